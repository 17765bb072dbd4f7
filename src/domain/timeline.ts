/**
 * One time axis for everything that told the incident: the status page, the postmortem's own
 * events, and the code host and advisories (history items become events: opened, merged,
 * released, published). Pure; the page, the exports and the feeds all read its output.
 */
import { historyKey, historyLabel } from './history-keys.ts';
import { slugify } from './slug.ts';
import type { History, HistoryItem } from '../schemas/history.ts';
import type { TimelineEntry } from '../schemas/timeline.ts';
import { STATUS_KINDS } from './timeline-kinds.ts';
import { sortKey, type Instant } from './time.ts';

/** Where an entry came from; pages draw one lane (badge) per source. */
export type TimelineSource = 'status-page' | 'incident' | 'code' | 'release' | 'advisory';

export type HistoryEventKind = 'opened' | 'merged' | 'closed' | 'committed' | 'released' | 'published';

export interface TimelineItem {
  /** Stable, URL-safe anchor: `t-2023-03-20t0100-trigger`, `h-2641-merged`. */
  id: string;
  at: Instant;
  approximate: boolean;
  source: TimelineSource;
  kind: TimelineEntry['kind'] | HistoryEventKind;
  title: string;
  body?: string;
  url?: string;
  confidence: 'verified' | 'secondary' | 'estimated';
  confidenceNote?: string;
  components: TimelineEntry['components'];
  /** History keys this entry is about (for a history event, its own key first). */
  refs: string[];
  /**
   * For history events: the item's type and outcome (for styling), how it is named (`Issue #2579`)
   * and its own title, which pages in another language keep as written.
   */
  item?: {
    key: string;
    type: HistoryItem['type'];
    outcome?: HistoryItem['outcome'];
    label: string;
    title: string;
    tag?: string;
  };
  backfilled: boolean;
}

const STATUS = new Set<string>(STATUS_KINDS);

export function timelineSource(kind: TimelineEntry['kind']): TimelineSource {
  return STATUS.has(kind) ? 'status-page' : 'incident';
}

/** The dated events of one history item, in the order they happen. */
export function historyEvents(item: HistoryItem, mainRepo?: string): TimelineItem[] {
  const key = historyKey(item, mainRepo);
  const label = historyLabel(item, key);
  const events: [HistoryEventKind, Instant | undefined][] = [];
  let source: TimelineSource = 'code';
  switch (item.type) {
    case 'issue':
      events.push(['opened', item.opened], ['closed', item.closed]);
      break;
    case 'pull':
      // A merged PR's close is its merge; listing both would say the same thing twice.
      events.push(['opened', item.opened], ['merged', item.merged], ['closed', item.merged ? undefined : item.closed]);
      break;
    case 'commit':
      events.push(['committed', item.committed]);
      break;
    case 'release':
      source = 'release';
      events.push(['released', item.published]);
      break;
    case 'advisory':
      source = 'advisory';
      events.push(['published', item.published]);
      break;
  }
  const verb: Record<HistoryEventKind, string> = {
    opened: 'opened',
    merged: 'merged',
    closed: 'closed',
    committed: 'committed',
    released: 'released',
    published: 'published',
  };
  return events.flatMap(([kind, at]) =>
    at
      ? [
          {
            id: `h-${slugify(key)}-${kind}`,
            at,
            approximate: false,
            source,
            kind,
            // A release's title already names it ("redis-py 4.5.5"): say so once, tag in brackets.
            title:
              item.type === 'release'
                ? `${item.title} released (${item.tag})`
                : `${label} ${verb[kind]}: ${item.title}`,
            url: item.url,
            confidence: item.confidence,
            confidenceNote: item.note,
            components: [],
            refs: [key],
            item: {
              key,
              type: item.type,
              outcome: item.outcome,
              label,
              title: item.title,
              tag: item.type === 'release' ? item.tag : undefined,
            },
            backfilled: false,
          } satisfies TimelineItem,
        ]
      : [],
  );
}

export function timelineItem(entry: TimelineEntry): TimelineItem {
  return {
    id: '',
    at: entry.at,
    approximate: entry.approximate,
    source: timelineSource(entry.kind),
    kind: entry.kind,
    title: entry.title,
    body: entry.body,
    url: entry.source,
    confidence: entry.confidence,
    confidenceNote: entry.confidence_note,
    components: entry.components,
    refs: entry.refs,
    backfilled: entry.backfilled,
  };
}

/**
 * All sources on one axis, oldest first, as told in `zone` (a date known only to the day sorts
 * at the start of that day there). Equal times keep their input order (timeline.yaml
 * first, in file order, then history in file order), so the result never depends on how the
 * sort breaks ties. Every item gets a unique anchor id.
 */
export function mergeTimeline(
  entries: readonly TimelineEntry[],
  history: History,
  zone: string,
): readonly TimelineItem[] {
  // The page, its JSON export, the Statuspage export and each feed format all ask for the same
  // incident's timeline; the result is frozen, so sharing it is safe.
  const cached = merged.get(entries);
  if (cached?.history === history && cached.zone === zone) return cached.items;
  const items = Object.freeze(mergeUncached(entries, history, zone));
  merged.set(entries, { history, zone, items });
  return items;
}
const merged = new WeakMap<
  readonly TimelineEntry[],
  { history: History; zone: string; items: readonly TimelineItem[] }
>();

function mergeUncached(entries: readonly TimelineEntry[], history: History, zone: string): TimelineItem[] {
  const items = [
    ...entries.map(timelineItem),
    ...history.items.flatMap((item) => historyEvents(item, history.repository)),
  ];
  const sorted = items
    .map((item, index) => ({ item, index, key: sortKey(item.at, zone) }))
    .sort((a, b) => a.key - b.key || a.index - b.index);
  const used = new Map<string, number>();
  return sorted.map(({ item }) => {
    const base = item.id || `t-${slugify(item.at.iso)}-${item.kind}`;
    const n = used.get(base) ?? 0;
    used.set(base, n + 1);
    return { ...item, id: n === 0 ? base : `${base}-${n + 1}` };
  });
}
