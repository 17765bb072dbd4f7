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
  // A citation of a repro whose folder is there but whose repro.yaml is broken: that file's problem says it.
  check: (uses, { dir, repros, reproFolders, recording }) =>
    verdictFindings(
      uses.filter((use) => {
        const id = use.attributes.repro;
        return !(typeof id === 'string' && reproFolders.includes(id) && !repros.some((r) => r.id === id));
      }),
      repros,
      dir.split('/').pop()!,
      recording,
    ),
  markdown: ({ repro, version, params }, lookups) => `**${lookups.verdict({ repro, version, params }).shown.text}**`,
};
