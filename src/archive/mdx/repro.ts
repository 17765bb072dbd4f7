/** `<Repro id="…" />`: a reproduction of repros/, with its recorded matrix. */
import { posix } from 'node:path';
import { packageFile } from '../../package-root.ts';
import { attributeUses, type MdxComponent } from './component.ts';

export const repro: MdxComponent = {
  name: 'Repro',
  file: packageFile('src/components/Repro.astro'),
  attributes: { id: 'naming a folder under repros/' },
  check(uses, { dir, repros }) {
    return attributeUses(uses, 'id')
      .filter((use) => !repros.some((r) => r.id === use.value))
      .map((use) => ({
        line: use.line,
        field: '<Repro id>',
        message: `there is no repro "${use.value}" in ${posix.join(dir, 'repros')}. Known: ${repros.map((r) => r.id).join(', ') || 'none'}`,
      }));
  },
  markdown({ id }, lookups) {
    const shown = lookups.repros.find((r) => r.id === id);
    return shown ? `*Reproduction “${shown.repro.manifest.title}”: see “Reproductions” below.*` : '';
  },
};
