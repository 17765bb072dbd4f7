/**
 * Editing YAML files that people also edit by hand: items an importer did not change keep their
 * original text byte for byte (comments, folded prose, quoting); only changed or new items are
 * rendered again. Used by the merges in `./merge/`.
 */
import { Document, isMap, isScalar, isSeq, Pair, parseDocument, Scalar, YAMLSeq, type YAMLMap } from 'yaml';
import { ImportError } from './error.ts';

/** One item of an edited sequence, in output order: an original item (maybe changed) or a new one. */
export type SequencePlanItem = OriginalStep | { added: YAMLMap };
export type OriginalStep = { original: number; changed: boolean };

/** Output width for re-rendered items; the content files wrap prose at about 100 columns. */
const LINE_WIDTH = 100;
/** `["#12"]` rather than `[ "#12" ]`, as authors write short lists. */
const FLOW_PADDING = false;

/** What a merge edits: the file's text (undefined when absent or blank), its document and its root. */
export interface MergeTarget<Root> {
  source: string | undefined;
  doc: Document;
  root: Root;
}

/**
 * The file an import merges into, parsed; an absent or blank file is an empty mapping or list.
 * YAML that does not parse, or a root of the other kind, is an ImportError naming the file and
 * saying what `what` should be (`rootHint`). An empty root is written `{}` or `[]`; what is
 * added to it is written as blocks.
 */
export function parseMergeTarget<Kind extends 'mapping' | 'list'>(
  existingText: string | undefined,
  kind: Kind,
  { what, rootHint, file }: { what: string; rootHint: string; file: string },
): MergeTarget<Kind extends 'mapping' ? YAMLMap<unknown, unknown> : YAMLSeq<unknown>> {
  const source = existingText?.trim() ? existingText : undefined;
  const doc = parseDocument(source ?? (kind === 'mapping' ? '{}\n' : '[]\n')) as Document;
  if (doc.errors.length)
    throw new ImportError(`the existing ${what} is not valid YAML: ${doc.errors[0]!.message.split('\n')[0]}`, { file });
  if (doc.contents === null) doc.contents = doc.createNode(kind === 'mapping' ? {} : []);
  if (!(kind === 'mapping' ? isMap(doc.contents) : isSeq(doc.contents)))
    throw new ImportError(`the existing ${what} is not ${rootHint}; fix it before importing`, { file });
  const root = doc.contents as YAMLMap<unknown, unknown> & YAMLSeq<unknown>;
  if (root.items.length === 0) root.flow = false;
  return { source, doc, root };
}

/**
 * Writes a document back to text after items of one of its block sequences were changed or
 * added. Items that did not change keep their original text byte for byte (folded prose,
 * comments, quoting), so re-running an import does not churn a file an author maintains; only
 * changed and new items are rendered by the `yaml` package. When the layout is not the usual
 * `- key: value` block list (or there is no original text), the whole document is rendered.
 */
export function writeEditedSequence(
  source: string | undefined,
  doc: Document,
  seq: YAMLSeq<unknown>,
  plan: readonly SequencePlanItem[],
): string {
  const originals = [...seq.items];
  const spliced = source === undefined ? undefined : spliceSequence(source, originals, plan);
  if (spliced !== undefined) return spliced;
  seq.items = plan.map((p) => ('added' in p ? p.added : originals[p.original]));
  return doc.toString({ lineWidth: LINE_WIDTH, flowCollectionPadding: FLOW_PADDING });
}

function spliceSequence(
  source: string,
  items: readonly unknown[],
  plan: readonly SequencePlanItem[],
): string | undefined {
  if (items.length === 0 || source.includes('\r')) return undefined;
  const lineStart = (pos: number) => source.lastIndexOf('\n', pos - 1) + 1;
  let indent: string | undefined;
  const parts: { lead: string; body: string; node: YAMLMap }[] = [];
  let previousEnd = 0;
  for (const [i, node] of items.entries()) {
    if (!isMap(node) || !node.range) return undefined;
    const [start, end] = node.range;
    const itemLine = lineStart(start);
    const dash = /^( *)- +$/.exec(source.slice(itemLine, start));
    if (!dash || (indent !== undefined && dash[1] !== indent)) return undefined;
    indent = dash[1]!;
    // Blank lines and comments above an item travel with it; above the first, they head the file.
    parts.push({ lead: i === 0 ? '' : source.slice(previousEnd, itemLine), body: source.slice(itemLine, end), node });
    previousEnd = end;
  }
  const firstLine = lineStart(parts[0]!.node.range![0]);
  const preamble = source.slice(0, firstLine);
  const tail = source.slice(previousEnd);
  // Match the file's habit of a blank line between entries, if it has one.
  const gaps = parts.slice(1).map((p) => p.lead);
  const separator = gaps.length > 0 && gaps.every((g) => /^[ \t]*\n/.test(g)) ? '\n' : '';
  const withNewline = (text: string) => (text.endsWith('\n') ? text : `${text}\n`);

  let out = preamble;
  for (const [position, step] of plan.entries()) {
    if ('added' in step) {
      out += (position === 0 ? '' : separator) + renderItem(step.added, indent!);
      continue;
    }
    const part = parts[step.original]!;
    const lead = position === 0 ? '' : part.lead || separator;
    out += lead + withNewline(step.changed ? renderItem(part.node, indent!) : part.body);
  }
  return out + tail;
}

/**
 * Sets `key` on a mapping; a key that is not there yet goes after the last present key that
 * comes before it in `order` (the schema's order), so an added field lands where an author
 * would have written it instead of at the end.
 */
export function setInOrder(node: YAMLMap, key: string, value: unknown, order: readonly string[]): void {
  if (node.has(key)) {
    node.set(key, value);
    return;
  }
  const rank = order.indexOf(key);
  let at = node.items.length;
  if (rank >= 0) {
    const later = node.items.findIndex((pair) => {
      const other = order.indexOf(String(isScalar(pair.key) ? pair.key.value : pair.key));
      return other > rank;
    });
    if (later >= 0) at = later;
  }
  node.items.splice(at, 0, new Pair(new Scalar(key), value));
}

/** One sequence item rendered at the given indentation. */
function renderItem(node: YAMLMap, indent: string): string {
  const holder = new Document(null);
  const seq = new YAMLSeq<unknown>();
  // The blank lines and comments above the item are kept from the original text instead.
  const { commentBefore, spaceBefore } = node;
  node.commentBefore = undefined;
  node.spaceBefore = undefined;
  seq.items.push(node);
  holder.contents = seq;
  const text = holder.toString({ lineWidth: LINE_WIDTH - indent.length, flowCollectionPadding: FLOW_PADDING });
  node.commentBefore = commentBefore;
  node.spaceBefore = spaceBefore;
  return text
    .split('\n')
    .map((line) => (line ? indent + line : line))
    .join('\n');
}
