/** `<Ref to="#2641" />`: an item of history.yaml (an issue, a pull request, a release), linked. */
import { packageFile } from '../../package-root.ts';
import { attributeUses, type MdxComponent } from './component.ts';

export const ref: MdxComponent = {
  name: 'Ref',
  file: packageFile('src/components/Ref.astro'),
  attributes: { to: 'naming an item of history.yaml, such as "#2641" or "v4.5.5"' },
  check(uses, { history }) {
    if (!history) return [];
    return attributeUses(uses, 'to')
      .filter((use) => !history.keys.has(use.value))
      .map((use) => ({ line: use.line, field: '<Ref to>', message: history.unknownRef(use.value) }));
  },
  markdown({ to = '' }, lookups) {
    const item = lookups.ref(to);
    return item.url ? `[${item.label}](${item.url})` : item.label;
  },
};
