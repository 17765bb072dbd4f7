/**
 * What the timeline component draws, computed here so the component stays a plain template:
 * day separators in the incident's zone, the gap since the previous entry, and which rows sit
 * inside the impact window.
 */
import type { TimelineItem } from '../domain/timeline.ts';
import { formatDateTime, type Instant } from '../domain/time.ts';
import { english, type Translator } from '../i18n/catalogue.ts';
import { formatDurationIn } from '../i18n/format.ts';

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

const dayFormatters = new Map<string, Intl.DateTimeFormat>();
function dayName(at: Instant, zone: string, lang: string): string {
  const tz = at.precision === 'day' ? 'UTC' : zone;
  const key = `${lang} ${tz}`;
  let f = dayFormatters.get(key);
  if (!f) {
    // en-GB for English: `Monday, 20 March 2023`, the day before the month.
    f = new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : lang, {
      timeZone: tz,
      weekday: 'long',
      day: 'numeric',
      month: 'long',
      year: 'numeric',
    });
    dayFormatters.set(key, f);
  }
  return f.format(at.ms);
}

export function timelineRows(items: readonly TimelineItem[], zone: string, t: Translator = english): TimelineRow[] {
  const start = items.find((i) => i.kind === 'impact-start')?.at.ms;
  const endItems = items.filter((i) => i.kind === 'impact-end');
  const end = endItems.length ? endItems[endItems.length - 1]!.at.ms : undefined;
  let previousDay = '';
  let previous: TimelineItem | undefined;
  return items.map((item) => {
    const day = dayName(item.at, zone, t.lang);
    const exactPair = previous && previous.at.precision === 'exact' && item.at.precision === 'exact';
    const gapMs = exactPair ? item.at.ms - previous!.at.ms : 0;
    const row: TimelineRow = {
      item,
      day: day !== previousDay ? day : undefined,
      gap: exactPair && gapMs >= 60_000 ? `+${formatDurationIn(t, gapMs)}` : undefined,
      inImpact: start !== undefined && item.at.ms >= start && (end === undefined || item.at.ms <= end),
      local: item.at.precision === 'day' ? t('timeline.timeUnknown') : formatDateTime(item.at, zone).slice(11),
      utc: item.at.precision === 'day' ? '' : formatDateTime(item.at, 'UTC'),
    };
    previousDay = day;
    previous = item;
    return row;
  });
}
