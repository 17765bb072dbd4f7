import { describe, expect, it } from 'vitest';
import { incidentMetrics, reportToFixRelease, spanBetween } from '../../src/domain/metrics.ts';
import { parseDay, parseTimestamp, type Instant } from '../../src/domain/time.ts';
import { frontmatter, history, timeline } from '../support/data.ts';

const instant = (text: string) => (text.length === 10 ? parseDay(text) : parseTimestamp(text)) as Instant;
const byKey = (metrics: ReturnType<typeof incidentMetrics>) => Object.fromEntries(metrics.map((m) => [m.key, m]));

describe('incidentMetrics', () => {
  it('uses the frontmatter moments when they are known', () => {
    const fm = frontmatter({
      started: '2024-06-02T09:15:00+02:00',
      detected: '2024-06-02T09:40:00+02:00',
      mitigated: '2024-06-02T10:55:00+02:00',
      resolved: '2024-06-02T11:15:00+02:00',
    });
    const m = byKey(incidentMetrics(fm, [], history([])));
    expect(m['time-to-detect']!.text).toBe('25 min');
    expect(m['time-to-mitigate']!.text).toBe('1 h 40 min');
    expect(m['time-to-resolve']!.value).toBe(2 * 3_600_000);
    expect(m['impact-window']!.text).toBe('unknown');
  });

  it('falls back to typed timeline events, and only to exact ones', () => {
    const fm = frontmatter({ started: 'unknown' });
    const t = timeline([
      { at: '2023-03-20T01:00:00-07:00', kind: 'impact-start' },
      { at: '2023-03-20T02:30:00-07:00', kind: 'investigating' },
      { at: '2023-03-20', precision: 'day', kind: 'mitigated' },
      { at: '2023-03-20T10:00:00-07:00', kind: 'impact-end' },
    ]);
    const m = byKey(incidentMetrics(fm, t, history([])));
    expect(m['time-to-detect']!.text).toBe('1 h 30 min');
    expect(m['time-to-mitigate']!.text).toBe('unknown');
    expect(m['impact-window']!.text).toBe('9 h');
    expect(m['time-to-resolve']!.value).toBeUndefined();
  });

  it('defines every metric in words', () => {
    for (const metric of incidentMetrics(frontmatter(), [], history([])))
      expect(metric.definition.length).toBeGreaterThan(30);
  });
});

describe('reportToFixRelease', () => {
  it('goes from the first fixed issue to the first release shipping a fix, in days', () => {
    const h = history([
      { type: 'issue', number: 1, title: 'Bug', opened: '2023-03-17' },
      {
        type: 'pull',
        number: 2,
        title: 'Fix',
        merged: '2023-03-22T16:03:50Z',
        relations: [
          { type: 'fixes', to: '#1' },
          { type: 'released-in', to: 'v1.1' },
        ],
      },
      {
        type: 'pull',
        number: 3,
        title: 'Later fix',
        relations: [
          { type: 'fixes', to: '#1' },
          { type: 'released-in', to: 'v1.2' },
        ],
      },
      { type: 'release', tag: 'v1.1', title: '1.1', published: '2023-03-22T16:03:50Z' },
      { type: 'release', tag: 'v1.2', title: '1.2', published: '2023-05-08T11:38:12Z' },
    ]);
    const { report, release } = reportToFixRelease(h);
    expect(report?.label).toBe('Issue #1 opened');
    expect(release?.label).toBe('Release v1.1');
    const m = incidentMetrics(frontmatter(), [], h).find((x) => x.key === 'report-to-fix-release')!;
    expect(m.text).toBe('5 d');
  });

  it('prefers the issue that names the cause over older fixed issues in the same history', () => {
    const h = history([
      { type: 'issue', number: 1, title: 'Old, unrelated', opened: '2022-04-13' },
      {
        type: 'pull',
        number: 2,
        title: 'The change that caused the bug',
        relations: [
          { type: 'fixes', to: '#1' },
          { type: 'released-in', to: 'v1.0' },
        ],
      },
      {
        type: 'issue',
        number: 3,
        title: 'The bug',
        opened: '2023-03-17',
        relations: [{ type: 'caused-by', to: '#2' }],
      },
      {
        type: 'pull',
        number: 4,
        title: 'Fix',
        relations: [
          { type: 'fixes', to: '#3' },
          { type: 'released-in', to: 'v1.1' },
        ],
      },
      { type: 'release', tag: 'v1.0', title: '1.0', published: '2022-12-04T09:34:48Z' },
      { type: 'release', tag: 'v1.1', title: '1.1', published: '2023-03-22T16:03:50Z' },
    ]);
    expect(reportToFixRelease(h)).toMatchObject({
      report: { label: 'Issue #3 opened' },
      release: { label: 'Release v1.1' },
    });
  });

  it('is unknown without a fixing pull request that was released', () => {
    const h = history([{ type: 'issue', number: 1, title: 'Bug', opened: '2023-03-17' }]);
    expect(reportToFixRelease(h)).toEqual({ report: undefined, release: undefined });
  });
});

describe('spanBetween', () => {
  it('counts whole days when a bound is only a date', () => {
    expect(spanBetween(instant('2023-03-17'), instant('2023-03-22T23:59:00Z')).text).toBe('5 d');
    expect(spanBetween(instant('2023-03-20T01:00:00-07:00'), instant('2023-03-20T10:00:00-07:00')).text).toBe('9 h');
  });
});
