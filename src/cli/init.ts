/**
 * `aftermath init <folder>`: a new site that depends on Aftermath, from templates/site/: its
 * package.json, astro.config.mjs, src/content.config.ts, one example incident with a timeline
 * and a Node repro, the GitHub workflows, .gitignore and a README. In a folder that already has
 * a package.json (say, after `npm install aftermath` there), its dependencies are kept and
 * Aftermath's scripts are added. Nothing that exists is overwritten.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageFile } from '../package-root.ts';
import { readCommandLine } from './command-line.ts';

export const USAGE = `usage: aftermath init <folder> [--title "Acme postmortems"] [--aftermath <version or address>]

  Creates a site in <folder> (new, empty, or holding only a package.json): package.json,
  astro.config.mjs, src/content.config.ts, an example incident, .github/workflows/, .gitignore
  and README.md. Then: cd <folder> && npm install && npm start

  --title      the site's title (default: Postmortems)
  --aftermath  what the site's package.json depends on (default: ^<this version>); give a
               tarball or git address while Aftermath is not in your registry`;

/** What a new site's package.json runs: the same names as in Aftermath's own repository. */
export const SITE_SCRIPTS: Record<string, string> = {
  dev: 'astro dev',
  build: 'astro build',
  preview: 'astro preview',
  start: 'astro build && astro preview',
  check: 'aftermath check',
  new: 'aftermath new',
  repro: 'aftermath repro',
  test: 'aftermath check && aftermath repro --check',
};

/** Files a folder may already hold: what `npm init` and `npm install aftermath` leave there. */
const ALREADY_THERE = new Set(['package.json', 'package-lock.json', 'node_modules', '.git', '.npmrc']);

class InitError extends Error {
  override name = 'InitError';
}

interface PackageJson {
  name?: string;
  private?: boolean;
  type?: string;
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  engines?: Record<string, string>;
  [key: string]: unknown;
}

const own = JSON.parse(readFileSync(packageFile('package.json'), 'utf8')) as PackageJson & {
  version: string;
  peerDependencies: Record<string, string>;
};

function readPackageJson(file: string): PackageJson | undefined {
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as PackageJson;
  } catch (error) {
    throw new InitError(`${file} is not valid JSON (${(error as Error).message}); fix it or start in an empty folder`);
  }
}

/** The site's package.json: its own fields kept, Aftermath's scripts and dependencies added. */
function sitePackage(existing: PackageJson | undefined, folder: string, aftermathSpec: string | undefined) {
  const name =
    basename(folder)
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, '-')
      .replace(/^[._-]+/, '') || 'postmortems';
  const pkg: PackageJson = { name, private: true, ...existing, type: 'module' };
  const clashes = Object.keys(SITE_SCRIPTS).filter((s) => pkg.scripts?.[s] && pkg.scripts[s] !== SITE_SCRIPTS[s]);
  if (clashes.length > 0)
    throw new InitError(
      `package.json already has scripts named ${clashes.join(', ')}; Aftermath's site needs those names. Rename yours and run init again`,
    );
  pkg.scripts = { ...pkg.scripts, ...SITE_SCRIPTS };
  pkg.dependencies = {
    ...pkg.dependencies,
    aftermath: aftermathSpec ?? pkg.dependencies?.aftermath ?? `^${own.version}`,
    astro: pkg.dependencies?.astro ?? own.peerDependencies.astro!,
  };
  pkg.engines = { node: own.engines!.node!, ...pkg.engines };
  return pkg;
}

function checkFolder(target: string): void {
  if (!existsSync(target)) return;
  const extra = readdirSync(target).filter((name) => !ALREADY_THERE.has(name));
  if (extra.length > 0)
    throw new InitError(
      `${relative(process.cwd(), target) || '.'} is not empty (${extra.slice(0, 5).join(', ')}${extra.length > 5 ? ', …' : ''}); give a new folder, or add Aftermath to an existing Astro site by hand (docs/embedding.md)`,
    );
}

/** Writes the site; returns the files written, relative to the folder. */
export function initSite(target: string, options: { title?: string; aftermath?: string } = {}): string[] {
  checkFolder(target);
  const pkg = sitePackage(readPackageJson(join(target, 'package.json')), target, options.aftermath);
  const template = fileURLToPath(packageFile('templates/site/'));
  mkdirSync(target, { recursive: true });
  cpSync(template, target, { recursive: true, errorOnExist: true, force: false });
  // npm leaves .gitignore out of a package's tarball, so the template names it gitignore.
  renameSync(join(target, 'gitignore'), join(target, '.gitignore'));
  if (options.title) {
    const config = join(target, 'astro.config.mjs');
    writeFileSync(
      config,
      readFileSync(config, 'utf8').replace("title: 'Postmortems'", `title: ${JSON.stringify(options.title)}`),
    );
    const readme = join(target, 'README.md');
    writeFileSync(readme, readFileSync(readme, 'utf8').replace(/^# Postmortems$/m, `# ${options.title}`));
  }
  writeFileSync(join(target, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
  return readdirSync(target, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && !relative(target, e.parentPath).split('/').includes('node_modules'))
    .map((e) => relative(target, join(e.parentPath, e.name)))
    .filter((file) => file !== 'package-lock.json')
    .sort();
}

/** `aftermath init …` */
export async function run(args: string[]): Promise<void> {
  const commandLine = readCommandLine(USAGE, {
    args,
    allowPositionals: true,
    options: { title: { type: 'string' }, aftermath: { type: 'string' } },
  });
  if (!commandLine) return;
  const { values, positionals } = commandLine;
  if (positionals.length !== 1) {
    process.stderr.write(
      `aftermath init: give the folder for the new site, e.g. aftermath init postmortems\n\n${USAGE}\n`,
    );
    process.exitCode = 2;
    return;
  }
  const target = resolve(positionals[0]!);
  let files: string[];
  try {
    files = initSite(target, { title: values.title, aftermath: values.aftermath });
  } catch (error) {
    if (!(error instanceof InitError)) throw error;
    process.stderr.write(`aftermath init: ${error.message}\n`);
    process.exitCode = 1;
    return;
  }
  const shown = relative(process.cwd(), target) || '.';
  console.log(`Created a site in ${shown}/:
${files.map((file) => `  ${file}`).join('\n')}

Next:
${shown === '.' ? '' : `  cd ${shown}\n`}  npm install
  npm start            build the site and serve it on http://localhost:4321
  npm run dev          write with live reload
  npx aftermath repro  record the example repro's verdicts`);
}
