#!/usr/bin/env node
// The `aftermath` command (src/cli/aftermath.ts). Like the integration (../index.js), it runs
// compiled from lib/ in an installed package and from its TypeScript source in a checkout.
import { existsSync } from 'node:fs';
import { sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const installed = fileURLToPath(import.meta.url)
  .split(sep)
  .includes('node_modules');
const compiled = new URL('../lib/cli/aftermath.js', import.meta.url);
if (installed && !existsSync(compiled)) {
  process.stderr.write(
    'aftermath: this copy has no lib/ folder: it was packed without its prepack step (npm pack runs it)\n',
  );
  process.exit(1);
}
await import(installed ? compiled.href : '../src/cli/aftermath.ts');
