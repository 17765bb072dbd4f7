/** `<Fact k="…" />`: a sourced fact of facts.yaml, its value shown and its source cited. */
import { packageFile } from '../../package-root.ts';
import { english } from '../../i18n/catalogue.ts';
import { attributeUses, type MdxComponent } from './component.ts';

export const fact: MdxComponent = {
  name: 'Fact',
  file: packageFile('src/components/Fact.astro'),
  attributes: { k: 'naming a fact in facts.yaml' },
  check(uses, { dir, facts }) {
    const keys = new Set((facts ?? []).map((f) => f.key));
    return attributeUses(uses, 'k')
      .filter((use) => !keys.has(use.value))
      .map((use) => ({
        line: use.line,
        field: '<Fact k>',
        message: facts
          ? `there is no fact "${use.value}" in facts.yaml. Add it with its source, or fix the key`
          : `there is no fact "${use.value}" in ${dir}/facts.yaml (this incident has no facts.yaml yet). Add it with its source, or fix the key`,
      }));
  },
  markdown({ k = '' }, lookups) {
    const cited = lookups.fact(k);
    const label = cited.fact.confidence === 'verified' ? '' : ` (${english(`confidence.${cited.fact.confidence}`)})`;
    return `${cited.fact.display ?? cited.fact.value}${label} [${cited.n}]`;
  },
};
