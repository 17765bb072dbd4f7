/**
 * The files Aftermath reads or hands to Astro by path (its routes, client scripts, sources it
 * hashes), found from the package's root folder: the same whether this module runs as TypeScript
 * from src/ (a checkout) or compiled from lib/ (an installed package, see scripts/build-lib.ts).
 */
const root = new URL('../', import.meta.url);

/** A file of the package, e.g. `packageFile('src/routes/index.astro')`. */
export function packageFile(path: string): URL {
  return new URL(path, root);
}
