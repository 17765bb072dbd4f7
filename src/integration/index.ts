/**
 * The Aftermath Astro integration, `import aftermath from 'aftermath'`: adds every page of the
 * postmortems to the site (under its `base` option), validates the whole archive before anything
 * is built, configures Markdown (highlighted code, build-time Mermaid), and refuses to finish a
 * build whose output is silently broken. Astro logs some rendering errors and still exits 0;
 * this does not. Each hook is a module named for its job: ./config-setup.ts, ./live-runs.ts
 * (dev only) and ./site-build.ts.
 */
import type { AstroIntegration } from 'astro';
import { fileURLToPath } from 'node:url';
import { OptionsError, resolveOptions, type AftermathOptions, type AftermathUserOptions } from '../schemas/options.ts';
import { setUpSite } from './config-setup.ts';
import { builtSite } from './dist-browser.ts';
import { createSiteBuild, finishBuild, startBuild } from './site-build.ts';

export type { AftermathUserOptions as AftermathOptions } from '../schemas/options.ts';

export default function aftermath(
  userOptions?: AftermathUserOptions,
): AstroIntegration & { options: AftermathOptions; optionsError?: string } {
  // A mistake in the options is said by the first hook, in Aftermath's words (a throw here would
  // reach the author as Astro's "Unable to load your Astro config" and an empty stack trace).
  let optionsError: string | undefined;
  let options: AftermathOptions;
  try {
    options = resolveOptions(userOptions);
  } catch (error) {
    if (!(error instanceof OptionsError)) throw error;
    optionsError = error.message;
    options = resolveOptions();
  }
  const build = createSiteBuild(options);
  return {
    name: 'aftermath',
    // What `npx aftermath check` and the CLI read from the site's config (src/integration/site-options.ts).
    options,
    optionsError,
    hooks: {
      'astro:config:setup': (setup) => setUpSite(build, optionsError, setup),
      // `astro dev` only: Run and Stop for every repro on a page (src/integration/live-runs.ts).
      'astro:server:setup': async ({ server, logger }) =>
        (await import('./live-runs.ts')).setupLiveRuns(server, build.root, logger, options),
      'astro:build:start': ({ logger }) => startBuild(build, logger),
      'astro:build:done': async ({ dir, logger }) => {
        try {
          await finishBuild(build, builtSite(fileURLToPath(dir), options.base), logger);
        } finally {
          await build.pool.close();
        }
      },
    },
  };
}
