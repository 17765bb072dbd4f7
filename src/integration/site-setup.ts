/**
 * What a site must have besides `aftermath()` in its config, checked before anything is built so
 * that a missing piece is one clear message, never a site whose pages come out empty: the line
 * that gives Astro the incidents collection, and the files the options name.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AftermathOptions } from '../schemas/options.ts';
import { BUILT_IN_MDX_COMPONENTS } from '../archive/mdx/registry.ts';

export const COLLECTIONS_LINE = "export { collections } from 'aftermath/collections';";
const CONTENT_CONFIGS = ['content.config.ts', 'content.config.mts', 'content.config.js', 'content.config.mjs'];

/** Each problem as one line that says what to do; none when the site is complete. */
export function siteSetupProblems(root: string, srcDir: URL, options: AftermathOptions): string[] {
  const problems: string[] = [];
  const src = fileURLToPath(srcDir);
  const configFile = CONTENT_CONFIGS.map((name) => join(src, name)).find((file) => existsSync(file));
  const where = relative(root, join(src, 'content.config.ts'));
  if (!configFile) {
    problems.push(
      `${where} is missing: Astro finds the incidents through it. Create it with this line:\n    ${COLLECTIONS_LINE}`,
    );
  } else if (!readFileSync(configFile, 'utf8').includes('aftermath/collections')) {
    problems.push(
      `${relative(root, configFile)} does not give Astro Aftermath's incidents collection. Add this line (or, beside collections of your own, spread them in: { ...collections, blog }):\n    ${COLLECTIONS_LINE}`,
    );
  }
  const files: [string, string | undefined][] = [
    ['logo.src', options.logo?.src],
    ...Object.entries(options.components).map(([name, file]): [string, string | undefined] => [
      `components.${name}`,
      file,
    ]),
    ...Object.entries(options.mdxComponents).map(([name, c]): [string, string] => [
      `mdxComponents.${name}.component`,
      c.component,
    ]),
  ];
  const ownNames = BUILT_IN_MDX_COMPONENTS.map((c) => c.name);
  for (const name of Object.keys(options.mdxComponents))
    if (ownNames.includes(name))
      problems.push(
        `mdxComponents.${name}: ${name} is one of Aftermath's own components (${ownNames.join(', ')}); give yours another name`,
      );
  for (const [option, file] of files) {
    if (file && !existsSync(join(root, file)))
      problems.push(`${option}: ${file} does not exist (paths are relative to the project's root)`);
  }
  return problems;
}
