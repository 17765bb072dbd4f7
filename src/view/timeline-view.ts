/**
 * What the timeline component draws, computed here so the component stays a plain template:
 * day separators in the incident's zone, the gap since the previous entry, and which rows sit
 * inside the impact window.
 */
import type { TimelineItem, TimelineSource } from '../domain/timeline.ts';
import { formatDateTime, formatDuration, type Instant } from '../domain/time.ts';

export interface TimelineRow {
  item: TimelineItem;
  /** Set on the first row of each day, in the incident's zone: `Monday, 20 March 2023`. */
  day?: string;
  /** `+9 h` since the previous row, when both are exact times. */
  gap?: string;
  inImpact: boolean;
  /** The time of day in the incident zone, and the full UTC time. */
  local: string;
  utc: string;
}

export const SOURCE_LABEL: Record<TimelineSource, string> = {
  'status-page': 'Status page',
  incident: 'Incident',
  code: 'Code',
  release: 'Release',
  advisory: 'Advisory',
};

export { CONFIDENCE_WORD } from '../domain/confidence.ts';

const dayFormatters = new Map<string, Intl.DateTimeFormat>();
function dayName(at: Instant, zone: string): string {
  const tz = at.precision === 'day' ? 'UTC' : zone;
  let f = dayFormatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone: tz,
      weekday: 'long',
      day: 'numeric',
      month: 'long',
      year: 'numeric',
    });
    dayFormatters.set(tz, f);
  }
  return f.format(at.ms);
}

export function timelineRows(items: readonly TimelineItem[], zone: string): TimelineRow[] {
  const start = items.find((i) => i.kind === 'impact-start')?.at.ms;
  const endItems = items.filter((i) => i.kind === 'impact-end');
  const end = endItems.length ? endItems[endItems.length - 1]!.at.ms : undefined;
  let previousDay = '';
  let previous: TimelineItem | undefined;
  return items.map((item) => {
    const day = dayName(item.at, zone);
    const exactPair = previous && previous.at.precision === 'exact' && item.at.precision === 'exact';
    const gapMs = exactPair ? item.at.ms - previous!.at.ms : 0;
    const row: TimelineRow = {
      item,
      day: day !== previousDay ? day : undefined,
      gap: exactPair && gapMs >= 60_000 ? `+${formatDuration(gapMs)}` : undefined,
      inImpact: start !== undefined && item.at.ms >= start && (end === undefined || item.at.ms <= end),
      local: item.at.precision === 'day' ? 'time unknown' : formatDateTime(item.at, zone).slice(11),
      utc: item.at.precision === 'day' ? '' : formatDateTime(item.at, 'UTC'),
    };
    previousDay = day;
    previous = item;
    return row;
  });
}
