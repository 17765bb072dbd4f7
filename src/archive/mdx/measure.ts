/**
 * `<Measure repro="…" of="…" params="…" />`: a recorded number in the prose, a cell's median or
 * a chart line's fitted growth (../measure-refs.ts resolves it); its check fails on a citation
 * of a value that was never recorded.
 */
import { packageFile } from '../../package-root.ts';
import { measureFindings } from '../measure-refs.ts';
import { usesOfReadRepros, type MdxComponent } from './component.ts';

export const measure: MdxComponent = {
  name: 'Measure',
  file: packageFile('src/components/Measure.astro'),
  attributes: { repro: "naming one of this incident's repros", of: 'naming a measurement its repro.yaml declares' },
  check: (uses, context) =>
    measureFindings(usesOfReadRepros(uses, context), context.repros, context.dir.split('/').pop()!, context.recording),
  markdown: ({ repro, of, version, params }, lookups) => lookups.measure({ repro, of, version, params }).text,
};
