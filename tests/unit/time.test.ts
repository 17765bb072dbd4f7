import { describe, expect, it } from 'vitest';
import {
  isUtc,
  durationBetween,
  formatDate,
  formatDateTime,
  formatDuration,
  formatLongDate,
  isInstant,
  isTimeZone,
  parseDay,
  parseTimestamp,
  zoneAbbreviation,
} from '../../src/domain/time.ts';

describe('parseTimestamp', () => {
  it('accepts offsets and Z, keeping the text as written', () => {
    const t = parseTimestamp('2023-03-20T01:00:00-07:00');
    expect(isInstant(t) && t.ms).toBe(Date.UTC(2023, 2, 20, 8));
    expect(isInstant(t) && t.iso).toBe('2023-03-20T01:00:00-07:00');
    expect(isInstant(parseTimestamp('2023-03-20T08:00Z'))).toBe(true);
    expect(isInstant(parseTimestamp('2023-03-20T08:00:00.123+05:30'))).toBe(true);
  });
  it('names what is wrong', () => {
    expect(parseTimestamp('2023-03-20T01:00:00')).toEqual({ kind: 'missing-offset' });
    expect(parseTimestamp('2023-03-20 01:00')).toEqual({ kind: 'missing-offset' });
    expect(parseTimestamp('2023-03-20')).toEqual({ kind: 'date-only' });
    expect(parseTimestamp('yesterday')).toEqual({ kind: 'malformed' });
    expect(parseTimestamp('2023-02-30T01:00:00Z')).toEqual({ kind: 'impossible' });
    expect(parseTimestamp('2023-03-20T24:00:00Z')).toEqual({ kind: 'impossible' });
  });
});

describe('parseDay', () => {
  it('parses dates and rejects impossible ones', () => {
    const d = parseDay('2023-03-24');
    expect(isInstant(d) && d.precision).toBe('day');
    expect(parseDay('2023-13-01')).toEqual({ kind: 'impossible' });
    expect(parseDay('2023-03-24T00:00Z')).toEqual({ kind: 'malformed' });
  });
});

describe('isTimeZone', () => {
  it('knows IANA names and refuses abbreviations', () => {
    expect(isTimeZone('America/Los_Angeles')).toBe(true);
    expect(isTimeZone('UTC')).toBe(true);
    expect(isTimeZone('PST')).toBe(false);
    expect(isTimeZone('Mars/Olympus_Mons')).toBe(false);
  });
});

describe('formatting', () => {
  const at = parseTimestamp('2023-03-20T01:00:00-07:00');
  if (!isInstant(at)) throw new Error('fixture');
  it('shows the incident zone with its abbreviation, and UTC', () => {
    expect(formatDateTime(at, 'America/Los_Angeles')).toBe('2023-03-20 01:00 PDT');
    expect(formatDateTime(at, 'UTC')).toBe('2023-03-20 08:00 UTC');
  });
  it('names zones the way their readers do, or by offset', () => {
    const summer = Date.UTC(2024, 5, 2, 7, 15);
    expect(zoneAbbreviation(summer, 'Europe/Berlin')).toBe('CEST');
    expect(zoneAbbreviation(summer, 'Europe/London')).toBe('BST');
    expect(zoneAbbreviation(summer, 'America/New_York')).toBe('EDT');
    expect(zoneAbbreviation(summer, 'Asia/Tokyo')).toBe('UTC+9');
    expect(zoneAbbreviation(summer, 'Asia/Kolkata')).toBe('UTC+5:30');
    expect(zoneAbbreviation(summer, 'UTC')).toBe('UTC');
  });
  it('uses the zone to decide the calendar day', () => {
    const late = parseTimestamp('2023-03-21T00:54:00Z');
    if (!isInstant(late)) throw new Error('fixture');
    expect(formatDate(late, 'America/Los_Angeles')).toBe('2023-03-20');
    expect(formatDate(late, 'UTC')).toBe('2023-03-21');
  });
  it('keeps a date-only value on its day in every zone', () => {
    const day = parseDay('2023-03-24');
    if (!isInstant(day)) throw new Error('fixture');
    expect(formatDate(day, 'Pacific/Honolulu')).toBe('2023-03-24');
    expect(formatLongDate(day, 'Pacific/Honolulu')).toBe('24 March 2023');
  });
  it('formats durations for scanning', () => {
    expect(formatDuration(9 * 3_600_000)).toBe('9 h');
    expect(formatDuration(45 * 60_000)).toBe('45 min');
    expect(formatDuration(30_000)).toBe('30 s');
    expect(formatDuration((50 * 60 + 30) * 60_000)).toBe('2 d 2 h');
    expect(formatDuration(-1)).toBe('unknown');
  });
  it('has no duration when a bound is unknown or only a day', () => {
    const day = parseDay('2023-03-24');
    expect(durationBetween(at, null)).toBeUndefined();
    expect(durationBetween(at, isInstant(day) ? day : null)).toBeUndefined();
  });
});

describe('isUtc', () => {
  it('knows UTC by its other names, so a moment is not shown "and in UTC" twice', () => {
    for (const zone of ['UTC', 'Etc/UTC', 'Etc/GMT', 'GMT', 'Zulu']) expect(isUtc(zone), zone).toBe(true);
    for (const zone of ['Europe/London', 'America/Los_Angeles', 'Etc/GMT+1']) expect(isUtc(zone), zone).toBe(false);
  });
});
