/**
 * `npm pack` (prepack): compiles what Node runs from an installed package to lib/
 * (tsconfig.lib.json), because Node does not strip types from files under node_modules.
 * `--clean` (postpack) removes lib/ again: a checkout runs its TypeScript source in any case
 * (index.js and bin/aftermath.js take lib/ only when installed under node_modules).
 */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const lib = join(root, 'lib');

rmSync(lib, { recursive: true, force: true });
if (!process.argv.includes('--clean')) {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const started = performance.now();
  const result = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.lib.json')], { stdio: 'inherit' });
  if (result.status !== 0) {
    rmSync(lib, { recursive: true, force: true });
    process.stderr.write('build-lib: TypeScript could not compile lib/ (above); nothing was packed\n');
    process.exit(1);
  }
  process.stderr.write(`build-lib: lib/ compiled in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
}
