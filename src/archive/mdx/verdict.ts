/**
 * `<Verdict repro="…" version="…" params="…" />`: one recorded verdict, stated in the prose.
 * What it needs depends on the recording (../verdict-refs.ts resolves it): its check fails on a
 * citation of a cell that was never recorded.
 */
import { packageFile } from '../../package-root.ts';
import { verdictFindings } from '../verdict-refs.ts';
import type { MdxComponent } from './component.ts';

export const verdict: MdxComponent = {
  name: 'Verdict',
  file: packageFile('src/components/Verdict.astro'),
  attributes: {},
  check: (uses, { dir, repros }) => verdictFindings(uses, repros, dir.split('/').pop()!),
  markdown: ({ repro, version, params }, lookups) => `**${lookups.verdict({ repro, version, params }).shown.text}**`,
};
