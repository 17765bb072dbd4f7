/**
 * `<Measure repro="…" of="…" params="…" />`: a recorded number in the prose, a cell's median or
 * a chart line's fitted growth (../measure-refs.ts resolves it); its check fails on a citation
 * of a value that was never recorded.
 */
import { packageFile } from '../../package-root.ts';
import { measureFindings } from '../measure-refs.ts';
import type { MdxComponent } from './component.ts';

export const measure: MdxComponent = {
  name: 'Measure',
  file: packageFile('src/components/Measure.astro'),
  attributes: { repro: "naming one of this incident's repros", of: 'naming a measurement its repro.yaml declares' },
  check: (uses, { dir, repros, reproFolders, recording }) =>
    measureFindings(
      // A repro whose repro.yaml is broken: that file's problem says it.
      uses.filter((use) => {
        const id = use.attributes.repro;
        return !(typeof id === 'string' && reproFolders.includes(id) && !repros.some((r) => r.id === id));
      }),
      repros,
      dir.split('/').pop()!,
      recording,
    ),
  markdown: ({ repro, of, version, params }, lookups) => lookups.measure({ repro, of, version, params }).text,
};
