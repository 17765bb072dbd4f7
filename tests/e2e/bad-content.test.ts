/**
 * Bad content must stop both `npm run build` and `npm run check` with a located, readable
 * message, never a bare stack trace and never a page published with a broken body.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildSite, copyFixtureSite, projectRoot, runNode, aftermathBin } from '../support/site.ts';

const made: string[] = [];
afterAll(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

const GOOD = join(projectRoot, 'tests/fixtures/sites/bad-content/content/incidents/2024-06-02-bad/index.mdx');

/** A copy of the bad-content fixture site whose one incident's index.mdx is `mdx`. */
function siteWith(mdx: string, extra: Record<string, string> = {}): string {
  const root = copyFixtureSite('bad-content');
  made.push(root);
  writeFileSync(join(root, 'content/incidents/2024-06-02-bad/index.mdx'), mdx);
  for (const [name, text] of Object.entries(extra)) writeFileSync(join(root, name), text);
  return root;
}

const good = readFileSync(GOOD, 'utf8');
const cases: { name: string; mdx: string; extra?: Record<string, string>; expect: RegExp }[] = [
  {
    name: 'a timestamp without an offset',
    mdx: good.replace('started: "2024-06-02T09:15:00+02:00"', 'started: "2024-06-02T09:15:00"'),
    expect: /content\/incidents\/2024-06-02-bad\/index\.mdx:9 {2}started\n {4}"2024-06-02T09:15:00" has no UTC offset/,
  },
  {
    name: 'broken Mermaid',
    mdx: good.replace('Producer --> Queue --> Consumer', 'Producer --> --> ((Queue'),
    expect: /index\.mdx:\d+ {2}mermaid diagram\n {4}Mermaid cannot parse line 2 of this diagram/,
  },
  {
    name: 'a reference to a PR that is not in history.yaml',
    mdx: good.replace('stopped acknowledging messages.', 'stopped acknowledging messages (<Ref to="#4242" />).'),
    expect: /index\.mdx:\d+ {2}<Ref to>\n {4}"#4242" is not in content\/incidents\/2024-06-02-bad\/history\.yaml/,
  },
  {
    name: 'an unknown component',
    mdx: good.replace('stopped acknowledging messages.', 'stopped acknowledging messages.\n\n<Nope />'),
    expect:
      /^content\/incidents\/2024-06-02-bad\/index\.mdx:30 {2}<Nope \/>\n {4}<Nope> is not a component an incident can use\. The components are: Fact, Ref, Repro, Verdict, Measure \(check the spelling and the capital letter\)$/m,
  },
  {
    name: 'a <script> element',
    mdx: good.replace(
      'stopped acknowledging messages.',
      'stopped acknowledging messages.\n\n<script>alert(1)</script>',
    ),
    expect:
      /^content\/incidents\/2024-06-02-bad\/index\.mdx:30 {2}<script>\n {4}a <script> element is not allowed in an incident: the site's Content-Security-Policy \(script-src 'self'\) blocks inline scripts, so it would never run\. Remove it$/m,
  },
  {
    name: 'a javascript: link',
    mdx: good.replace('stopped acknowledging messages.', 'stopped acknowledging [messages](javascript:alert(1)).'),
    expect:
      /^content\/incidents\/2024-06-02-bad\/index\.mdx:28 {2}link\n {4}a javascript: link is not allowed in an incident: it would run script in the reader's browser \(the site's Content-Security-Policy blocks it, so it would do nothing when clicked\)\. Only https:\/\/ and http:\/\/ links are published; link to an https:\/\/ address instead$/m,
  },
];

/** What Astro wraps a hook's error in: the author sees Aftermath's message alone. */
const ASTRO_WRAPPING = /An unhandled error occurred|Stack trace:|^\s+at .+:\d+:\d+\)?$/m;

describe.each(cases)('$name', ({ mdx, extra, expect: message }) => {
  it('fails npm run build with the file, line and fix', async () => {
    const root = siteWith(mdx, extra);
    const result = await buildSite(root);
    const output = result.stdout + result.stderr;
    expect(result.code).not.toBe(0);
    expect(output).toMatch(message);
    expect(output).not.toMatch(ASTRO_WRAPPING);
  });

  it('fails npm run check the same way', async () => {
    const root = siteWith(mdx, extra);
    const result = await runNode([aftermathBin, 'check'], { cwd: root });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(message);
  });
});

it('fails again on the next build of the same broken diagram: a page with a problem is never cached', async () => {
  const broken = cases.find((c) => c.name === 'broken Mermaid')!;
  const root = siteWith(broken.mdx);
  const env = { AFTERMATH_DIAGRAM_CACHE: join(root, 'cache/diagrams') };
  for (const attempt of ['first', 'second']) {
    const result = await buildSite(root, undefined, env);
    expect(result.code, `${attempt} build`).not.toBe(0);
    expect(result.stdout + result.stderr, `${attempt} build`).toMatch(broken.expect);
  }
});

describe('Chromium missing (CHROMIUM_PATH pointing at a file that does not exist)', () => {
  const env = { CHROMIUM_PATH: '/nonexistent/chromium' };
  const line = (needs: string) =>
    `Chromium is missing (CHROMIUM_PATH points to /nonexistent/chromium, which does not exist): ${needs}. Install it with: sudo apt-get install -y chromium fonts-liberation (or set CHROMIUM_PATH to another copy)`;

  it('stops npm run build with one line', async () => {
    const root = siteWith(good);
    const result = await buildSite(root, undefined, { ...env, AFTERMATH_DIAGRAM_CACHE: join(root, 'cache/diagrams') });
    const output = result.stdout + result.stderr;
    expect(result.code).toBe(1);
    expect(output).toContain(
      `[ERROR] [aftermath] ${line('npm run build draws Mermaid diagrams and social cards with it')}\n`,
    );
    expect(output).not.toMatch(ASTRO_WRAPPING);
    expect(output).not.toMatch(/playwright|browserType\.launch/i);
  });

  it('stops npm run check with one line', async () => {
    const root = siteWith(good);
    const result = await runNode([aftermathBin, 'check'], { cwd: root, env });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`${line('aftermath check draws Mermaid diagrams with it')}\n`);
  });

  it('says so in one line when npm run dev starts, and keeps serving', async () => {
    const root = siteWith(good);
    const child = spawn(
      process.execPath,
      [
        join(projectRoot, 'node_modules/astro/bin/astro.mjs'),
        'dev',
        '--root',
        root,
        '--host',
        '127.0.0.1',
        '--port',
        '0',
      ],
      {
        cwd: root,
        env: { ...process.env, ...env, ASTRO_TELEMETRY_DISABLED: '1', NO_COLOR: '1', NODE_ENV: '', VITEST: '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    try {
      for (
        const started = Date.now();
        !/watching for file changes/.test(output) && child.exitCode === null && Date.now() - started < 60_000;
      ) {
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(child.exitCode, output).toBe(null);
      expect(output).toContain(`[WARN] [aftermath] ${line('npm run dev draws Mermaid diagrams with it')}\n`);
      expect(output.split('Chromium is missing').length - 1).toBe(1);
    } finally {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
  });
});
