/**
 * Merges imported items into a history.yaml an author may already have edited, for any source:
 * what the source knows is refreshed, what an author wrote is kept, `fixes` relations are added.
 */
import { Document, isMap, isSeq, Scalar, YAMLMap, type YAMLSeq } from 'yaml';
import { historySchema, type HistoryItem } from '../../schemas/history.ts';
import { parseYaml, problemsFromZod, type ContentProblem } from '../../schemas/problems.ts';
import { historyKey } from '../../domain/history-keys.ts';
import { parseMergeTarget, setInOrder, writeEditedSequence, type SequencePlanItem } from '../yaml-edit.ts';

/** Field values an import writes; `null` means the source has none (so the field is removed). */
export type HistoryFieldValue = string | number | string[] | null;

/** A history item as a source describes it, ready to merge. */
export interface ImportedHistoryItem {
  type: 'issue' | 'pull' | 'release';
  /** The repository it was read from, `owner/name`. */
  repo: string;
  /** Everything the source knows, in the order a new item is written (`repo` is added by the merge). */
  fields: Record<string, HistoryFieldValue>;
  /**
   * Items this one fixes, keyed with their repository (`owner/name#2624`); the merge writes
   * each as the file keys it and relates only to items that are in the file or this import.
   */
  fixes: string[];
}

/** What a merge did, for the importer's report. */
export interface HistoryMergeResult {
  text: string;
  added: string[];
  /** Items that were in the file and changed. */
  updated: string[];
  /** Items that were in the file and are already up to date. */
  unchanged: string[];
  /** `fixes` relations added, as `#2641 fixes #2624`. */
  relations: string[];
}

/** The order of historyItemSchema's fields, for fields added to an existing item. */
const HISTORY_FIELD_ORDER = [
  'type',
  'number',
  'tag',
  'sha',
  'id',
  'repo',
  'aliases',
  'title',
  'author',
  'url',
  'opened',
  'merged',
  'closed',
  'committed',
  'published',
  'state',
  'target_branch',
  'merge_commit',
  'severity',
  'cvss',
  'affected',
  'fixed_in',
  'labels',
  'relations',
  'confidence',
  'note',
  'source',
  'outcome',
];

/** Fields only a pull request has; an item the source now calls an issue must not keep them. */
const PULL_ONLY_FIELDS = ['merged', 'target_branch', 'merge_commit'] as const;

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Repositories (`owner/name`) are compared case-insensitively, as code hosts do. */
export function sameRepo(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();
}

/**
 * The item's key as history.yaml writes it (`#2641`, `v4.5.5`, `owner/name#12`): relative to
 * the file's main repository, which need not be the one the item was read from.
 */
export function importedKey(item: ImportedHistoryItem, mainRepo: string): string {
  const written = {
    ...item.fields,
    repo: sameRepo(item.repo, mainRepo) ? undefined : item.repo,
  } as unknown as HistoryItem;
  return historyKey(written, mainRepo);
}

/** `owner/name#12` as the file keys it: `#12` when owner/name is the file's main repository. */
function keyInFile(key: string, mainRepo: string): string {
  const match = /^([\w.-]+\/[\w.-]+)#(\d+)$/.exec(key);
  return match && sameRepo(match[1], mainRepo) ? `#${match[2]}` : key;
}

/** The key of an item as written in the file (types issue and pull share `#n` keys). */
function existingKey(item: unknown, mainRepo: string | undefined): string | undefined {
  if (!isRecord(item) || typeof item.type !== 'string') return undefined;
  try {
    return historyKey(item as unknown as HistoryItem, mainRepo).toLowerCase();
  } catch {
    return undefined;
  }
}

function quoteTimestamps(node: unknown): void {
  if (!isMap(node)) return;
  for (const field of ['opened', 'merged', 'closed', 'published']) {
    const value = node.get(field, true);
    // Timestamps are quoted across the project's content, as the schema's messages advise.
    if (value instanceof Scalar) value.type = Scalar.QUOTE_DOUBLE;
  }
}

/**
 * Merges imported items into the text of an existing history.yaml (or none); `repo` becomes the
 * file's `repository` when it has none. An item already in the file (same key) gets every field
 * the source knows refreshed (a field reported empty, such as `closed` of a reopened issue, is
 * removed); labels an author added are kept after the source's; fields the source does not
 * know (note, outcome, confidence, source, relations) are kept. New items are appended in the
 * order given; nothing is removed or reordered, and items that do not change keep their text as
 * written. An item that fixes an item in the file (or in this import) gets a `fixes` relation
 * to it. `file` names the file in errors.
 */
export function mergeHistoryYaml(
  existingText: string | undefined,
  imported: readonly ImportedHistoryItem[],
  repo: string,
  file = 'history.yaml',
): HistoryMergeResult {
  const { source, doc, root } = parseMergeTarget(existingText, 'mapping', {
    what: 'history',
    rootHint: 'a mapping with "repository" and "items"',
    file,
  });

  let rewriteWhole = source === undefined;
  const existingRepo = root.get('repository');
  const mainRepo = typeof existingRepo === 'string' ? existingRepo : repo;
  if (typeof existingRepo !== 'string') {
    setInOrder(root as YAMLMap, 'repository', repo, ['repository', 'items']);
    rewriteWhole = true;
  }
  let seq: unknown = root.get('items', true);
  if (!isSeq(seq)) {
    seq = doc.createNode([]) as YAMLSeq;
    setInOrder(root as YAMLMap, 'items', seq, ['repository', 'items']);
    rewriteWhole = true;
  }
  const items = seq as YAMLSeq<unknown>;
  if (items.items.length === 0) items.flow = false;
  const existing = (items.toJSON() as unknown[]) ?? [];
  const existingKeys = existing.map((item) => existingKey(item, mainRepo));

  const importedKeys = imported.map((item) => importedKey(item, mainRepo));
  const keysInFile = new Map<string, string>();
  for (const key of importedKeys) keysInFile.set(key.toLowerCase(), key);
  existing.forEach((item, i) => {
    const key = existingKeys[i];
    if (key && isRecord(item)) keysInFile.set(key, historyKey(item as unknown as HistoryItem, mainRepo));
  });

  const plan: SequencePlanItem[] = existing.map((_, i) => ({ original: i, changed: false }));
  const result: HistoryMergeResult = { text: '', added: [], updated: [], unchanged: [], relations: [] };

  for (const [n, item] of imported.entries()) {
    const key = importedKeys[n]!;
    const fixes = item.fixes.flatMap((target) => {
      const inFile = keysInFile.get(keyInFile(target, mainRepo).toLowerCase());
      return inFile && inFile.toLowerCase() !== key.toLowerCase() ? [inFile] : [];
    });
    const index = existingKeys.findIndex((k, i) => k === key.toLowerCase() && sameKind(existing[i], item.type));

    const node: YAMLMap = index >= 0 ? (items.items[index] as YAMLMap) : new YAMLMap();
    const before = JSON.stringify(node.toJSON());
    applyFields(doc, node, item, index < 0 && !sameRepo(item.repo, mainRepo) ? item.repo : undefined);
    for (const to of fixes) {
      if (addRelation(doc, node, to)) result.relations.push(`${key} fixes ${to}`);
    }
    quoteTimestamps(node);

    if (index < 0) {
      plan.push({ added: node });
      result.added.push(key);
    } else if (JSON.stringify(node.toJSON()) !== before) {
      (plan[index] as { changed: boolean }).changed = true;
      result.updated.push(key);
    } else {
      result.unchanged.push(key);
    }
  }

  result.text = writeEditedSequence(rewriteWhole ? undefined : source, doc as Document, items, plan);
  return result;
}

/** Issue and pull request share numbers (one may turn into the other); releases are apart. */
function sameKind(existing: unknown, type: ImportedHistoryItem['type']): boolean {
  const old = isRecord(existing) ? existing.type : undefined;
  return type === 'release' ? old === 'release' : old === 'issue' || old === 'pull';
}

/** Writes the source's fields onto an item; `foreignRepo` is written as `repo` on a new item from another repository. */
function applyFields(
  doc: Document.Parsed | Document,
  node: YAMLMap,
  item: ImportedHistoryItem,
  foreignRepo: string | undefined,
): void {
  for (const [field, value] of Object.entries(item.fields)) {
    if (field === 'labels') {
      // The source's labels first, then any an author added by hand that the source does not have.
      const own = Array.isArray(value) ? value : [];
      const previous = node.get('labels');
      const written = isSeq(previous)
        ? (previous.toJSON() as unknown[]).filter((l): l is string => typeof l === 'string')
        : [];
      const labels = [...own, ...written.filter((l) => !own.includes(l))];
      if (labels.length === 0) node.delete('labels');
      else if (JSON.stringify(labels) !== JSON.stringify(written))
        setInOrder(node, 'labels', doc.createNode(labels, { flow: true }), HISTORY_FIELD_ORDER);
      continue;
    }
    if (value === null) node.delete(field);
    else setScalar(doc, node, field, value);
    if (foreignRepo && (field === 'number' || field === 'tag'))
      setInOrder(node, 'repo', foreignRepo, HISTORY_FIELD_ORDER);
  }
  if (item.type === 'issue') for (const field of PULL_ONLY_FIELDS) node.delete(field);
}

/** Sets a scalar field, leaving the written node (and its quoting) alone when the value is the same. */
function setScalar(
  doc: Document.Parsed | Document,
  node: YAMLMap,
  field: string,
  value: string | number | string[],
): void {
  const current = node.get(field, true);
  if (current instanceof Scalar && current.value === value) return;
  setInOrder(node, field, doc.createNode(value), HISTORY_FIELD_ORDER);
}

/** Adds `{type: fixes, to}` unless the item already has that relation; true when it was added. */
function addRelation(doc: Document.Parsed | Document, node: YAMLMap, to: string): boolean {
  let relations: unknown = node.get('relations', true);
  const present = isSeq(relations) ? (relations.toJSON() as unknown[]) : [];
  if (
    present.some(
      (r) => isRecord(r) && r.type === 'fixes' && typeof r.to === 'string' && r.to.toLowerCase() === to.toLowerCase(),
    )
  )
    return false;
  if (!isSeq(relations)) {
    relations = doc.createNode([]) as YAMLSeq;
    setInOrder(node, 'relations', relations, HISTORY_FIELD_ORDER);
  }
  (relations as YAMLSeq<unknown>).items.push(doc.createNode({ type: 'fixes', to }));
  return true;
}

/** Validates a history.yaml text with the same schema and messages as the site's build. */
export function validateHistoryText(text: string, file: string): ContentProblem[] {
  const parsed = parseYaml(text, file);
  if (Array.isArray(parsed)) return parsed;
  const result = historySchema.safeParse(parsed.data ?? undefined, { reportInput: true });
  return result.success ? [] : problemsFromZod(result.error, file, parsed);
}
