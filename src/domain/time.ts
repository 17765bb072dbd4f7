/**
 * Instants as authors write them, and how they are shown.
 *
 * Postmortems mix precise timestamps with dates known only to the day, so an {@link Instant}
 * keeps the text the author wrote (for `<time datetime>`) beside the parsed moment and its
 * precision. Everything here is pure; time-zone rules come from the platform's Intl data.
 */

/** `2023-03-20T01:00:00-07:00`, `2023-03-20T08:00Z`, with optional seconds and fraction. */
const TIMESTAMP_WITH_OFFSET = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
const TIMESTAMP_WITHOUT_OFFSET = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?$/;
const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;

export type Precision = 'exact' | 'day';

export interface Instant {
  /** The text as written, e.g. `2023-03-20T01:00:00-07:00` or `2023-03-24`. */
  readonly iso: string;
  /** Milliseconds since the epoch; for a date-only value, midnight UTC of that date. */
  readonly ms: number;
  readonly precision: Precision;
}

export type TimestampProblem =
  { kind: 'missing-offset' } | { kind: 'date-only' } | { kind: 'malformed' } | { kind: 'impossible' };

function validCalendarDate(y: number, m: number, d: number): boolean {
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/** Parses a timestamp that must carry a UTC offset. */
export function parseTimestamp(text: string): Instant | TimestampProblem {
  const match = TIMESTAMP_WITH_OFFSET.exec(text);
  if (!match) {
    if (TIMESTAMP_WITHOUT_OFFSET.test(text)) return { kind: 'missing-offset' };
    if (DATE_ONLY.test(text)) return { kind: 'date-only' };
    return { kind: 'malformed' };
  }
  const [, y, mo, d, h, mi, s] = match.map(Number) as number[];
  if (!validCalendarDate(y!, mo!, d!) || h! > 23 || mi! > 59 || (s ?? 0) > 59) {
    return { kind: 'impossible' };
  }
  return { iso: text, ms: Date.parse(text), precision: 'exact' };
}

/** Parses a date known only to the day (`YYYY-MM-DD`). */
export function parseDay(text: string): Instant | TimestampProblem {
  const match = DATE_ONLY.exec(text);
  if (!match) return { kind: 'malformed' };
  const [, y, m, d] = match.map(Number) as number[];
  if (!validCalendarDate(y!, m!, d!)) return { kind: 'impossible' };
  return { iso: text, ms: Date.UTC(y!, m! - 1, d!), precision: 'day' };
}

export function isInstant(value: Instant | TimestampProblem): value is Instant {
  return 'iso' in value;
}

/** True when `zone` is an IANA time zone this platform knows (e.g. `America/Los_Angeles`). */
export function isTimeZone(zone: string): boolean {
  if (!zone.includes('/') && zone !== 'UTC') return false;
  let known = knownZones.get(zone);
  if (known === undefined) {
    try {
      new Intl.DateTimeFormat('en', { timeZone: zone });
      known = true;
    } catch {
      known = false;
    }
    knownZones.set(zone, known);
  }
  return known;
}
// Every timestamp of an archive is checked against its zone; creating a formatter each time was measurable.
const knownZones = new Map<string, boolean>();

/**
 * Memoizes a formatting function of (ms, zone). Intl's formatToParts is slow, and the same
 * instants are formatted again and again: on the page, in the feeds, in every export.
 */
function memoized(format: (ms: number, zone: string) => string): (ms: number, zone: string) => string {
  const results = new Map<string, string>();
  return (ms, zone) => remembered(results, `${ms} ${zone}`, () => format(ms, zone));
}

/** The value `map` holds for `key`, computed and kept the first time it is asked for. */
function remembered<T>(map: Map<string, T>, key: string, compute: () => T): T {
  let value = map.get(key);
  if (value === undefined) {
    value = compute();
    map.set(key, value);
  }
  return value;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
// en-US names zones as readers expect (PDT, CET); en-GB writes day-month-year for prose.
function formatter(zone: string, options: Intl.DateTimeFormatOptions, locale = 'en-US'): Intl.DateTimeFormat {
  return remembered(
    formatters,
    locale + zone + JSON.stringify(options),
    () => new Intl.DateTimeFormat(locale, { timeZone: zone, ...options }),
  );
}

/** A moment to the minute, as numbers on a 24-hour clock. */
const MINUTE_FIELDS: Intl.DateTimeFormatOptions = {
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
};

function parts(ms: number, zone: string, options: Intl.DateTimeFormatOptions, locale?: string) {
  const out: Record<string, string> = {};
  for (const p of formatter(zone, options, locale).formatToParts(ms)) out[p.type] = p.value;
  return out;
}

/** The zone's offset from UTC at that moment, in milliseconds (PDT → -25 200 000). */
export function zoneOffsetMs(ms: number, zone: string): number {
  const p = parts(ms, zone, { ...MINUTE_FIELDS, second: '2-digit' });
  const asUtc = Date.UTC(
    Number(p.year),
    Number(p.month) - 1,
    Number(p.day),
    Number(p.hour),
    Number(p.minute),
    Number(p.second),
  );
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/**
 * Where an instant sorts on a timeline told in `zone`: an exact time as it is; a date known only
 * to the day at the start of that day in the zone (so "20 March, time unknown" comes before
 * everything else that happened on 20 March there, and after 19 March).
 */
export function sortKey(at: Instant, zone: string): number {
  if (at.precision === 'exact') return at.ms;
  return at.ms - zoneOffsetMs(at.ms, zone);
}

/** `2023-03-20` in the given zone. */
export function formatDate(instant: Instant, zone: string): string {
  if (instant.precision === 'day') return instant.iso;
  return dateInZone(instant.ms, zone);
}
const dateInZone = memoized((ms, zone) => {
  const p = parts(ms, zone, { year: 'numeric', month: '2-digit', day: '2-digit' });
  return `${p.year}-${p.month}-${p.day}`;
});

/** `2023-03-20 01:00 PDT` in the given zone (`UTC` for UTC); a date-only value stays a date. */
export function formatDateTime(instant: Instant, zone: string): string {
  if (instant.precision === 'day') return instant.iso;
  return dateTimeInZone(instant.ms, zone);
}
const dateTimeInZone = memoized((ms, zone) => {
  // UTC needs no time-zone database, and every timeline shows each moment in UTC too.
  if (isUtc(zone) && ms >= 0 && ms < YEAR_10000) {
    const iso = new Date(ms).toISOString();
    return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
  }
  // One pass gives the fields and, in en-US, the zone's name (PDT, EST); others need zoneAbbreviation.
  const p = parts(ms, zone, { ...MINUTE_FIELDS, timeZoneName: 'short' });
  const name =
    p.timeZoneName && !/^(GMT|UTC)[+-]?/.test(p.timeZoneName)
      ? p.timeZoneName
      : abbreviationFor(ms, zone, p.timeZoneName ?? '');
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute} ${name}`;
});

/**
 * Where en-US has no name for the zone (it says `GMT+9`), the name depends only on the zone and
 * that offset, so the three further lookups of zoneAbbreviation are done once per pair.
 */
const abbreviations = new Map<string, string>();
function abbreviationFor(ms: number, zone: string, usName: string): string {
  return remembered(abbreviations, `${zone} ${usName}`, () => zoneAbbreviation(ms, zone));
}

const YEAR_10000 = Date.UTC(10000, 0, 1);
/** Whether a zone is UTC by another name, so showing a moment "and in UTC" would say it twice. */
export const isUtc = (zone: string) =>
  ['UTC', 'Etc/UTC', 'Etc/UCT', 'Etc/Zulu', 'Etc/GMT', 'GMT', 'UCT', 'Zulu'].includes(zone);

/**
 * The zone's short name at that moment: `PDT`, `CEST`, `UTC`. CLDR knows American names in
 * en-US and European ones in en-GB; where neither has one, the offset (`UTC+9`) is clearer
 * than an invented abbreviation.
 */
export function zoneAbbreviation(ms: number, zone: string): string {
  if (isUtc(zone)) return 'UTC';
  for (const locale of ['en-US', 'en-GB']) {
    const name = parts(ms, zone, { timeZoneName: 'short' }, locale).timeZoneName ?? '';
    if (name && !/^(GMT|UTC)[+-]/.test(name)) return name;
  }
  const offset = parts(ms, zone, { timeZoneName: 'shortOffset' }).timeZoneName ?? 'GMT';
  return offset.replace(/^GMT/, 'UTC');
}

/** `20 March 2023`, for prose and cards. */
export function formatLongDate(instant: Instant, zone: string): string {
  // A date-only value is stored as midnight UTC; formatting it in UTC keeps its calendar day.
  const tz = instant.precision === 'day' ? 'UTC' : zone;
  return formatter(tz, { day: 'numeric', month: 'long', year: 'numeric' }, 'en-GB').format(instant.ms);
}

/** A duration in words a reader scans quickly: `9 h`, `2 d 4 h`, `45 min`, `30 s`. */
export function formatDuration(ms: number): string {
  const parts = durationParts(ms);
  return parts ? parts.map((p) => `${p.n} ${p.unit}`).join(' ') : 'unknown';
}

/**
 * A duration as the one or two units a reader needs: seconds under a minute, minutes under an
 * hour, hours (and minutes) under two days, then days (and hours). Undefined when not a duration.
 */
export function durationParts(ms: number): { n: number; unit: 's' | 'min' | 'h' | 'd' }[] | undefined {
  if (!Number.isFinite(ms) || ms < 0) return undefined;
  if (ms < 60_000) return [{ n: Math.round(ms / 1000), unit: 's' }];
  const minutes = Math.round(ms / 60_000);
  if (minutes < 60) return [{ n: minutes, unit: 'min' }];
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (hours < 48)
    return rest
      ? [
          { n: hours, unit: 'h' },
          { n: rest, unit: 'min' },
        ]
      : [{ n: hours, unit: 'h' }];
  const days = Math.floor(hours / 24);
  const h = hours % 24;
  return h
    ? [
        { n: days, unit: 'd' },
        { n: h, unit: 'h' },
      ]
    : [{ n: days, unit: 'd' }];
}

/** The span between two instants, or undefined when either is unknown or only a date. */
export function durationBetween(from?: Instant | null, to?: Instant | null): number | undefined {
  if (!from || !to || from.precision !== 'exact' || to.precision !== 'exact') return undefined;
  return to.ms - from.ms;
}
