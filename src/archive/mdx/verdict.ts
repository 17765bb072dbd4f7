/**
 * `<Verdict repro="…" version="…" params="…" />`: one recorded verdict, stated in the prose.
 * What it needs depends on the recording (../verdict-refs.ts resolves it): its check fails on a
 * citation of a cell that was never recorded.
 */
import { packageFile } from '../../package-root.ts';
import { verdictFindings } from '../verdict-refs.ts';
import { usesOfReadRepros, type MdxComponent } from './component.ts';

export const verdict: MdxComponent = {
  name: 'Verdict',
  file: packageFile('src/components/Verdict.astro'),
  attributes: {},
  check: (uses, context) =>
    verdictFindings(usesOfReadRepros(uses, context), context.repros, context.dir.split('/').pop()!, context.recording),
  markdown: ({ repro, version, params }, lookups) => `**${lookups.verdict({ repro, version, params }).shown.text}**`,
};
