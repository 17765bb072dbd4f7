// The integration: `import aftermath from 'aftermath'` in a site's astro.config.mjs.
// Node strips types from TypeScript files, except under node_modules: an installed package runs
// the integration compiled to lib/ (built when the package is packed, scripts/build-lib.ts),
// while a checkout of Aftermath runs its TypeScript source as it is.
import { existsSync } from 'node:fs';

const compiled = new URL('./lib/integration/index.js', import.meta.url);
const source = new URL('./src/integration/index.ts', import.meta.url);
const { default: aftermath } = await import(existsSync(compiled) ? compiled.href : source.href);

export default aftermath;
