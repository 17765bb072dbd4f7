/**
 * The compiler's guard behind the archive's checks: code in incident MDX never reaches the
 * compiled module, whatever the archive has or has not read yet.
 */
import { compile } from '@mdx-js/mdx';
import { describe, expect, it } from 'vitest';
import { BUILT_IN_MDX_COMPONENTS } from '../../src/archive/mdx/registry.ts';
import remarkContentGuard from '../../src/integration/remark-content-guard.ts';
import type { ContentProblem } from '../../src/schemas/problems.ts';

async function compiled(mdx: string, allowCode = false) {
  const problems: ContentProblem[] = [];
  const file = await compile(
    { value: mdx, path: '/site/content/incidents/x/index.mdx' },
    {
      remarkPlugins: [
        [
          remarkContentGuard,
          {
            root: '/site',
            allowCode,
            components: BUILT_IN_MDX_COMPONENTS,
            onProblem: (p: ContentProblem) => problems.push(p),
          },
        ],
      ],
    },
  );
  return { code: String(file), problems };
}

describe('remarkContentGuard', () => {
  it('takes imports, exports, expressions and code attributes out, each reported at its line', async () => {
    const { code, problems } = await compiled(
      [
        'import secret from "/etc/hostname?raw"',
        'export const leak = process.env.HOME',
        '',
        'Home is {process.env.HOME}.',
        '',
        '<Fact k={process.env.TOKEN} />',
        '',
        '<Ref to="#1" {...process.env} />',
      ].join('\n'),
    );
    expect(code).not.toMatch(/process\.env|\/etc\/hostname/);
    // The two ESM lines are one block.
    expect(problems.map((p) => [p.file, p.line])).toEqual([
      ['content/incidents/x/index.mdx', 1],
      ['content/incidents/x/index.mdx', 4],
      ['content/incidents/x/index.mdx', 6],
      ['content/incidents/x/index.mdx', 8],
    ]);
  });

  it('keeps comments, literal attributes and the registered components', async () => {
    const { code, problems } = await compiled('{/* a note */}\n\n<Repro id="a" level={4} />\n\n<Fact k="x" />');
    expect(problems).toEqual([]);
    expect(code).toMatch(/level: 4/);
  });

  it('turns an unknown component into a visible note', async () => {
    const { code, problems } = await compiled('<Nope />');
    expect(problems).toEqual([
      { file: 'content/incidents/x/index.mdx', line: 1, message: expect.stringMatching(/^<Nope> is not a component/) },
    ]);
    expect(code).toMatch(/role: "alert"/);
  });

  it('leaves code alone in a site that allows it', async () => {
    const { code, problems } = await compiled('export const n = 1 + 1\n\nTwo is {n}.', true);
    expect(problems).toEqual([]);
    expect(code).toMatch(/1 \+ 1/);
  });
});
