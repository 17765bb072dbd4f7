/** The error catalogue (src/errors.ts) against the code and the docs: no error class without its entry and hint. */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalogued, ERRORS, UsageError } from '../../src/errors.ts';
import { projectRoot } from '../support/site.ts';

const sources = readdirSync(join(projectRoot, 'src'), { withFileTypes: true, recursive: true })
  .filter((e) => e.isFile() && e.name.endsWith('.ts'))
  .map((e) => join(e.parentPath, e.name));
const classes = sources.flatMap((file) =>
  [...readFileSync(file, 'utf8').matchAll(/class (\w+) extends Error\b/g)].map((m) => ({
    name: m[1]!,
    file: relative(projectRoot, file),
  })),
);

/** The table docs/errors.md holds, one row per entry. */
const errorTable = () =>
  [
    '| error | what it means | what to do | exit code |',
    '| --- | --- | --- | --- |',
    ...Object.entries(ERRORS).map(([name, e]) => `| \`${name}\` | ${e.means} | ${e.hint} | ${e.exitCode} |`),
  ].join('\n');

describe('the error catalogue', () => {
  it('has an entry for every error class in src/, and none for a class that is gone', () => {
    expect(classes.map((c) => c.name).sort()).toEqual(Object.keys(ERRORS).sort());
  });

  it("names each error after its class, so the catalogue finds it (Mermaid's keep Mermaid's own name: they become content problems)", () => {
    for (const { name, file } of classes.filter((c) => c.name !== 'MermaidRenderError'))
      expect(readFileSync(join(projectRoot, file), 'utf8'), `${file}: ${name}`).toMatch(new RegExp(`name = '${name}'`));
    expect(catalogued(new UsageError('x'))).toBe(ERRORS.UsageError);
    expect(catalogued(new Error('a bug'))).toBeUndefined();
  });

  it('is what docs/errors.md lists', () => {
    expect(readFileSync(join(projectRoot, 'docs/errors.md'), 'utf8')).toContain(errorTable());
  });
});
