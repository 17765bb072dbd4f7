/**
 * The options a site gives `aftermath({ … })` in its astro.config, for the commands that run
 * outside Astro (`npx aftermath check`, the repro runner), so that they read the archive exactly as
 * the build does.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { OptionsError, resolveOptions, type AftermathOptions } from '../schemas/options.ts';
import { readArchive } from '../archive/archive.ts';

const CONFIG_FILES = ['astro.config.mjs', 'astro.config.js', 'astro.config.ts', 'astro.config.mts'];

interface AftermathIntegration {
  name?: string;
  options?: AftermathOptions;
  optionsError?: string;
}

/** The options, or an OptionsError (thrown) when the config gives invalid ones. */
export async function loadSiteOptions(root: string): Promise<AftermathOptions> {
  const file = CONFIG_FILES.map((name) => join(root, name)).find((path) => existsSync(path));
  if (!file) return resolveOptions();
  const config = (await import(pathToFileURL(file).href)) as { default?: { integrations?: unknown[] } };
  const integrations = (config.default?.integrations ?? []).flat(Infinity) as AftermathIntegration[];
  const found = integrations.find((i) => i?.name === 'aftermath' && i.options);
  if (found?.optionsError) throw new OptionsError(found.optionsError);
  return found?.options ?? resolveOptions();
}

/** For a command line: the options, or the mistake printed in one message and exit code 1. */
export async function siteOptionsOrExit(root: string): Promise<AftermathOptions> {
  try {
    return await loadSiteOptions(root);
  } catch (error) {
    if (!(error instanceof OptionsError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}

/** A command's reading of the site: its options (or the mistake in them, and exit 1) and its archive. */
export async function readSiteArchive(root: string) {
  const options = await siteOptionsOrExit(root);
  return { options, ...readArchive(root, options) };
}
