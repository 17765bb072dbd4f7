// The integration: `import aftermath from 'aftermath'` in a site's astro.config.mjs.
// Node strips types from TypeScript files except under node_modules, so an installed package
// runs the integration compiled to lib/ (built when the package is packed, scripts/build-lib.ts)
// and a checkout of Aftermath runs its TypeScript source as it is.
import { existsSync } from 'node:fs';
import { sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const installed = fileURLToPath(import.meta.url)
  .split(sep)
  .includes('node_modules');
const compiled = new URL('./lib/integration/index.js', import.meta.url);
if (installed && !existsSync(compiled))
  throw new Error('aftermath: this copy has no lib/ folder: it was packed without its prepack step (npm pack runs it)');
const { default: aftermath } = await import(installed ? compiled.href : './src/integration/index.ts');

export default aftermath;
