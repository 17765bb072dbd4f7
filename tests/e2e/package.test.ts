/**
 * Aftermath as a team gets it (issue 21): `npm pack` of this repository, installed offline into
 * a folder outside it, then every step of the README's team path in the new site through its
 * real interface: `aftermath init`, `npm run build`, `npm run dev` with live reload,
 * `npx aftermath new`, `npx aftermath repro`, `npm test`, and an upgrade to the next version.
 */
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import type { Browser } from 'playwright-core';
import { extractText, getDocumentProxy } from 'unpdf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packAftermath, run, writeSiteManifest, type Packed } from '../support/package.ts';
import { launchChromium, projectRoot, startDevServer } from '../support/site.ts';

const work = mkdtempSync(join(tmpdir(), 'aftermath-package-'));
const site = join(work, 'site');
const EXAMPLE = '2026-01-14-example-retry-storm';
let packed: Packed;
let browser: Browser | undefined;

const npm = (args: string[], env: NodeJS.ProcessEnv = {}) => run('npm', args, site, env);
const aftermath = (args: string[]) => run(join(site, 'node_modules/.bin/aftermath'), args, site);
const ok = (result: { code: number | null; stdout: string; stderr: string }) =>
  expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);

/** Every file under `dir`, relative, sorted. */
function filesOf(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

beforeAll(async () => {
  packed = await packAftermath(work);
  mkdirSync(site);
  // What the registry would answer, from this repository's lockfile (tests stay offline).
  writeSiteManifest(site, packed);
  // The README's command (plus --offline).
  ok(await npm(['install', '--offline', '--no-audit', '--no-fund', `../${basename(packed.tarball)}`]));
}, 300_000);

afterAll(async () => {
  await browser?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('the package', () => {
  it('holds only what runs, and is this big', () => {
    console.log(
      `aftermath-${packed.version}.tgz: ${(packed.size / 1024).toFixed(0)} KiB packed, ${(packed.unpackedSize / 1024).toFixed(0)} KiB unpacked, ${packed.files.length} files`,
    );
    expect(packed.files).toEqual(
      expect.arrayContaining([
        'package.json',
        'LICENSE',
        'README.md',
        'index.js',
        'bin/aftermath.js',
        'lib/integration/index.js',
        'lib/cli/aftermath.js',
        'src/routes/incidents/[slug].astro',
        'src/collections.ts',
        'templates/site/astro.config.mjs',
        'templates/site/gitignore',
        'templates/site/.github/workflows/deploy.yml',
      ]),
    );
    const outside = packed.files.filter(
      (f) => !/^(index\.js|package\.json|LICENSE|README\.md|(bin|lib|src|templates)\/)/.test(f),
    );
    expect(outside).toEqual([]);
    expect(
      packed.files.filter((f) => /(^|\/)(tests?|content|docs|bench)\//.test(f) && !f.startsWith('templates/')),
    ).toEqual([]);
    expect(packed.size).toBeLessThan(1024 * 1024);
  });

  it('installs without this repository: nothing resolves into it', () => {
    expect(relative(projectRoot, site).startsWith('..')).toBe(true);
    expect(readFileSync(join(site, 'node_modules/aftermath/package.json'), 'utf8')).toContain(
      `"version": "${packed.version}"`,
    );
    expect(existsSync(join(site, 'node_modules/aftermath/lib/cli/aftermath.js'))).toBe(true);
  });
});

describe('a team site from aftermath init', { timeout: 300_000 }, () => {
  let started = 0;

  it('aftermath init writes the site, keeping the dependency as installed', async () => {
    started = performance.now();
    const result = await aftermath(['init', '.', '--title', 'Acme postmortems']);
    ok(result);
    const written = filesOf(site).filter((f) => !f.startsWith('node_modules/') && f !== 'package-lock.json');
    console.log(`aftermath init wrote:\n${written.map((f) => `  ${f}`).join('\n')}`);
    expect(written).toEqual(
      expect.arrayContaining([
        '.github/workflows/check.yml',
        '.github/workflows/deploy.yml',
        '.github/workflows/repros.yml',
        '.gitignore',
        '.node-version',
        'README.md',
        'astro.config.mjs',
        `content/incidents/${EXAMPLE}/index.mdx`,
        `content/incidents/${EXAMPLE}/timeline.yaml`,
        `content/incidents/${EXAMPLE}/repros/retry-jitter/repro.yaml`,
        `content/incidents/${EXAMPLE}/repros/retry-jitter/storm.mjs`,
        'package.json',
        'src/content.config.ts',
      ]),
    );
    const pkg = JSON.parse(readFileSync(join(site, 'package.json'), 'utf8'));
    expect(pkg.dependencies.aftermath).toBe(`file:../${basename(packed.tarball)}`);
    expect(pkg.scripts).toMatchObject({
      build: 'astro build',
      dev: 'astro dev',
      test: 'aftermath check && aftermath repro --check',
    });
    expect(readFileSync(join(site, 'astro.config.mjs'), 'utf8')).toContain('title: "Acme postmortems"');
    expect(result.stdout).toContain('npm install');
    ok(await npm(['install', '--offline', '--no-audit', '--no-fund']));
  });

  it('npm start builds it and serves it: the example incident, its diagram, PDF and search', async () => {
    const served = await startDevServer(site, {}, { command: ['npm', 'start', '--'], startupMs: 240_000 });
    try {
      console.log(`from aftermath init to a built site: ${((performance.now() - started) / 1000).toFixed(1)} s`);
      const response = await fetch(`${served.url}/incidents/${EXAMPLE}/`);
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('Example: payment retries overload the database after a failover');
    } finally {
      await served.stop();
    }
    const page = readFileSync(join(site, 'dist/incidents', EXAMPLE, 'index.html'), 'utf8');
    expect(page).toContain('Example: payment retries overload the database after a failover');
    expect(page).toContain('<svg');
    expect(page).toContain('Acme postmortems');
    expect(page).toContain(`Built with Aftermath ${packed.version}`);
    expect(existsSync(join(site, 'dist/incidents', `${EXAMPLE}.pdf`))).toBe(true);
    expect(existsSync(join(site, 'dist/pagefind/pagefind.js'))).toBe(true);
  });

  it('npm run dev serves it and reloads the page when the story is saved', async () => {
    const dev = await startDevServer(site, {}, { command: ['npm', 'run', 'dev', '--'] });
    try {
      browser = await launchChromium();
      const page = await browser.newPage();
      await page.goto(`${dev.url}/incidents/${EXAMPLE}/`);
      await page.waitForSelector('h1');
      const file = join(site, 'content/incidents', EXAMPLE, 'index.mdx');
      const before = readFileSync(file, 'utf8');
      writeFileSync(file, before.replace('retries overload the database', 'retries swamp the database'));
      await page.waitForFunction(
        () => document.querySelector('h1')?.textContent?.includes('retries swamp the database'),
        undefined,
        { timeout: 60_000 },
      );
      writeFileSync(file, before);
    } finally {
      await dev.stop();
    }
  });

  it('npx aftermath new scaffolds an incident that aftermath check accepts', async () => {
    const result = await run(
      'npx',
      ['--offline', 'aftermath', 'new', 'Disk full on the build farm', '--date', '2026-02-03'],
      site,
    );
    ok(result);
    expect(existsSync(join(site, 'content/incidents/2026-02-03-disk-full-on-the-build-farm/index.mdx'))).toBe(true);
    ok(await aftermath(['check']));
  });

  it("npx aftermath repro runs the example repro and records each cell's verdict", async () => {
    const result = await run('npx', ['--offline', 'aftermath', 'repro'], site);
    ok(result);
    const recorded = JSON.parse(
      readFileSync(join(site, 'content/incidents', EXAMPLE, 'repros/retry-jitter/results.json'), 'utf8'),
    ) as { cells: { parameters: Record<string, string>; verdict: string }[] };
    expect(Object.fromEntries(recorded.cells.map((c) => [c.parameters.JITTER, c.verdict]))).toEqual({
      none: 'reproduced',
      full: 'not-reproduced',
    });
  });

  it("npm test checks the team's content and re-runs the team's recorded repros, not the flagship's", async () => {
    const result = await npm(['test']);
    ok(result);
    const output = result.stdout + result.stderr;
    expect(output).toContain('content OK');
    expect(output).toContain('retry-jitter');
    expect(output).not.toContain('chatgpt');
  });
});

describe('an upgrade', { timeout: 600_000 }, () => {
  it('is a version bump: content untouched, the build succeeds, pages differ only in the version', async () => {
    const contentBefore = filesOf(join(site, 'content')).map((f) => [
      f,
      readFileSync(join(site, 'content', f), 'utf8'),
    ]);
    ok(await npm(['run', 'build']));
    const before = join(work, 'dist-before');
    cpSync(join(site, 'dist'), before, { recursive: true });

    // The same tree with the next version number, packed as a release would be.
    const next = join(work, 'next');
    mkdirSync(next);
    for (const entry of [
      'index.js',
      'bin',
      'src',
      'templates',
      'scripts',
      'tsconfig.json',
      'tsconfig.lib.json',
      'README.md',
      'LICENSE',
    ])
      cpSync(join(projectRoot, entry), join(next, entry), { recursive: true });
    symlinkSync(join(projectRoot, 'node_modules'), join(next, 'node_modules'));
    const pkg = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8'));
    const [major, minor, patch] = String(pkg.version).split('.').map(Number);
    const version = `${major}.${minor}.${patch! + 1}`;
    writeFileSync(join(next, 'package.json'), JSON.stringify({ ...pkg, version }, null, 2));
    const upgraded = await packAftermath(work, next);
    ok(await npm(['install', '--offline', '--no-audit', '--no-fund', `../${basename(upgraded.tarball)}`]));
    expect(JSON.parse(readFileSync(join(site, 'node_modules/aftermath/package.json'), 'utf8')).version).toBe(version);

    ok(await npm(['run', 'build']));
    const contentAfter = filesOf(join(site, 'content')).map((f) => [f, readFileSync(join(site, 'content', f), 'utf8')]);
    expect(contentAfter).toEqual(contentBefore);
    const after = join(site, 'dist');
    expect(filesOf(after)).toEqual(filesOf(before));
    const differing: string[] = [];
    for (const file of filesOf(after)) {
      if (file.endsWith('.pdf')) {
        // A PDF records when it was printed; what it says must not change.
        const text = async (dir: string) =>
          (
            await extractText(await getDocumentProxy(new Uint8Array(readFileSync(join(dir, file)))), {
              mergePages: true,
            })
          ).text;
        expect(await text(after), file).toBe(await text(before));
        continue;
      }
      const a = readFileSync(join(before, file), 'utf8').split('\n');
      const b = readFileSync(join(after, file), 'utf8').split('\n');
      if (a.join('\n') === b.join('\n')) continue;
      differing.push(file);
      expect(b.length, file).toBe(a.length);
      for (let i = 0; i < a.length; i++)
        if (a[i] !== b[i]) expect(b[i]!.replaceAll(version, packed.version), `${file}:${i + 1}`).toBe(a[i]);
    }
    // Every HTML page prints the version (generator tag, footer); nothing else changed.
    expect(differing.length).toBeGreaterThan(0);
    expect(differing.every((f) => f.endsWith('.html'))).toBe(true);
  });
});
