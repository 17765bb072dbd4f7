/**
 * `history.yaml`: issues, pull requests, releases and advisories, and every reference to them
 * (relations, timeline refs, `<Ref to>` in the story) resolved, with a near miss suggested.
 */
import { posix } from 'node:path';
import { historyKey, similarKeys } from '../../domain/history-keys.ts';
import type { LocatedYaml } from '../../schemas/problems.ts';
import { historySchema, type History } from '../../schemas/history.ts';
import { readYamlAs, type ReadContext } from './context.ts';

export interface HistoryFile {
  file: string;
  history: History;
  doc?: LocatedYaml;
  /** False when history.yaml exists but is broken: every reference would look dangling. */
  readable: boolean;
  /** The keys of its items (`#2641`, `v4.5.5`). */
  keys: ReadonlySet<string>;
  /** Why `ref` names no item, with what it may have meant. */
  unknownRef(ref: string): string;
}

export function readHistory(ctx: ReadContext): HistoryFile {
  const file = posix.join(ctx.folder.dir, 'history.yaml');
  const read = readYamlAs(ctx, file, historySchema);
  const history = read?.data ?? { items: [] };
  const readable = read ? read.data !== undefined : !ctx.problems.some((p) => p.file === file);
  const keys = new Map<string, number>();
  history.items.forEach((item, index) => {
    const key = historyKey(item, history.repository);
    if (keys.has(key)) {
      ctx.problems.push({
        file,
        line: read?.doc.lineOf(['items', index]),
        field: `items[${index}]`,
        message: `"${key}" is listed twice (also items[${keys.get(key)}]). Merge the two entries`,
      });
    } else keys.set(key, index);
  });
  const unknownRef = (ref: string) => {
    const near = similarKeys(ref, keys.keys());
    return `"${ref}" is not in ${file}. Add it there (by hand or with npx aftermath import github), or fix the reference${near.length ? ` (did you mean ${near.map((k) => `"${k}"`).join(' or ')}?)` : ''}`;
  };
  const found: HistoryFile = { file, history, doc: read?.doc, readable, keys: new Set(keys.keys()), unknownRef };
  if (readable) {
    history.items.forEach((item, i) =>
      item.relations.forEach((rel, j) => {
        if (!keys.has(rel.to))
          ctx.problems.push({
            file,
            line: read?.doc.lineOf(['items', i, 'relations', j, 'to']),
            field: `items[${i}].relations[${j}].to`,
            message: unknownRef(rel.to),
          });
      }),
    );
  }
  return found;
}
