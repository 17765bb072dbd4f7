/** `<Repro id="…" />`: a reproduction of repros/, with its recorded matrix. */
import { posix } from 'node:path';
import { packageFile } from '../../package-root.ts';
import { attributeUses, type MdxComponent } from './component.ts';
import { listOrNone } from '../../domain/text.ts';

export const repro: MdxComponent = {
  name: 'Repro',
  file: packageFile('src/components/Repro.astro'),
  attributes: { id: 'naming a folder under repros/' },
  check(uses, { dir, reproFolders }) {
    // A repro whose folder is there but whose repro.yaml is broken has its own problem already.
    return attributeUses(uses, 'id')
      .filter((use) => !reproFolders.includes(use.value))
      .map((use) => ({
        line: use.line,
        field: '<Repro id>',
        message: `there is no repro "${use.value}" in ${posix.join(dir, 'repros')}. Known: ${listOrNone(reproFolders)}`,
      }));
  },
  markdown({ id }, lookups) {
    const shown = lookups.repros.find((r) => r.id === id);
    return shown ? `*Reproduction “${shown.repro.manifest.title}”: see “Reproductions” below.*` : '';
  },
};
