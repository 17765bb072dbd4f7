/**
 * Bad content must stop both `npm run build` and `npm run check` with a located, readable
 * message, never a bare stack trace and never a page published with a broken body.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildSite, copyFixtureSite, projectRoot, runNode } from '../support/site.ts';

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
];

describe.each(cases)('$name', ({ mdx, extra, expect: message }) => {
  it('fails npm run build with the file, line and fix', async () => {
    const root = siteWith(mdx, extra);
    const result = await buildSite(root);
    const output = result.stdout + result.stderr;
    expect(result.code).not.toBe(0);
    expect(output).toMatch(message);
    expect(output).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
  });

  it('fails npm run check the same way', async () => {
    const root = siteWith(mdx, extra);
    const result = await runNode([join(projectRoot, 'scripts/check-content.ts')], { cwd: root });
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
