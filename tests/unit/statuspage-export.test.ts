import { describe, expect, it } from 'vitest';
import type { ExportableIncident } from '../../src/exports/incident-json.ts';
import { findIncident, timelineEntriesFromIncident } from '../../src/importers/sources/statuspage.ts';
import {
  componentCode,
  statuspageDocument,
  statuspageIncident,
  statuspageTime,
  updateBodyHtml,
} from '../../src/exports/statuspage-api.ts';
import { mergeTimeline } from '../../src/domain/timeline.ts';
import { parseDay, parseTimestamp, type Instant } from '../../src/domain/time.ts';
import { frontmatter, history, timeline } from '../support/data.ts';

const ROOT = 'https://pm.example.com/';
const PAGE = { id: 'aftermath', name: 'Aftermath', root: ROOT };

function queueIncident(): ExportableIncident {
  return {
    slug: 'queue',
    frontmatter: frontmatter({
      title: 'Queue backlog',
      severity: 'SEV2',
      status: 'resolved',
      started: '2024-06-02T09:15:00+02:00',
      mitigated: '2024-06-02T10:50:00+02:00',
      resolved: '2024-06-02T11:15:00+02:00',
      timezone: 'Europe/Berlin',
    }),
    timeline: timeline([
      {
        at: '2024-06-02T09:15:00+02:00',
        kind: 'deploy',
        title: 'Release 42',
        components: [{ name: 'Order queue', to: 'degraded_performance' }],
      },
      {
        at: '2024-06-02T09:52:00+02:00',
        kind: 'investigating',
        title: 'Investigating delayed confirmations',
        body: 'Looking into **delayed** confirmations. <script>window.__pwned = true</script>',
        components: [{ name: 'Checkout', from: 'operational', to: 'degraded_performance' }],
      },
      {
        at: '2024-06-02T10:55:00+02:00',
        kind: 'monitoring',
        title: 'Monitoring',
        body: 'Rollback done.',
        components: [{ name: 'Checkout', from: 'degraded_performance', to: 'operational' }],
      },
      { at: '2024-06-02T11:20:00+02:00', kind: 'resolved', title: 'Resolved' },
      { at: '2024-06-03', precision: 'day', kind: 'communication', title: 'Customer email' },
    ]),
    history: history([{ type: 'pull', number: 12, title: 'Fix', merged: '2024-06-02T10:40:00+02:00' }]),
  };
}

function bareIncident(overrides: Record<string, unknown>, entries: Record<string, unknown>[] = []): ExportableIncident {
  return {
    slug: 'bare',
    frontmatter: frontmatter({ title: 'Bare', severity: 'SEV4', ...overrides }),
    timeline: timeline(entries),
    history: history([]),
  };
}

describe('statuspageTime', () => {
  it('writes UTC with milliseconds, and a date alone as midnight UTC', () => {
    expect(statuspageTime(parseTimestamp('2024-06-02T09:52:00+02:00') as Instant)).toBe('2024-06-02T07:52:00.000Z');
    expect(statuspageTime(parseDay('2024-06-03') as Instant)).toBe('2024-06-03T00:00:00.000Z');
  });
});

describe('componentCode and updateBodyHtml', () => {
  it('derives a stable code from a component name', () => {
    expect(componentCode('Order queue')).toBe('order-queue');
    expect(componentCode('  API (v2) ')).toBe('api-v2');
    expect(componentCode('***')).toBe('component');
  });

  it('leads with the title unless it restates the status, and renders the body safely', () => {
    expect(updateBodyHtml({ kind: 'resolved', title: 'Resolved' })).toBe('');
    expect(updateBodyHtml({ kind: 'update', title: 'Fix <b>shipped</b> & live' })).toBe(
      '<p>Fix &lt;b&gt;shipped&lt;/b&gt; &amp; live</p>',
    );
    const html = updateBodyHtml({
      kind: 'investigating',
      title: 'Investigating',
      body: '[x](javascript:alert(1)) <img src=x onerror=alert(1)> **bold**',
    });
    expect(html).toContain('<strong>bold</strong>');
    expect(html).not.toMatch(/javascript:|onerror|<img/);
  });
});

describe('statuspageIncident', () => {
  const incident = queueIncident();
  const exported = statuspageIncident(incident, ROOT, 'aftermath');

  it('maps the incident fields, with impact from severity and times in UTC', () => {
    expect(exported).toMatchObject({
      id: 'queue',
      name: 'Queue backlog',
      status: 'resolved',
      impact: 'major',
      created_at: '2024-06-02T07:15:00.000Z',
      started_at: '2024-06-02T07:15:00.000Z',
      // The first monitoring and resolved updates, not the frontmatter's mitigated and resolved.
      monitoring_at: '2024-06-02T08:55:00.000Z',
      resolved_at: '2024-06-02T09:20:00.000Z',
      // The latest timeline entry, a date known only to the day.
      updated_at: '2024-06-03T00:00:00.000Z',
      shortlink: 'https://pm.example.com/incidents/queue/',
      page_id: 'aftermath',
    });
  });

  it("lists one update per status-page entry, newest first, with the page's anchor ids", () => {
    expect(exported.incident_updates.map((u) => u.status)).toEqual(['resolved', 'monitoring', 'investigating']);
    const anchors = mergeTimeline(incident.timeline, incident.history, 'Europe/Berlin')
      .filter((i) => i.source === 'status-page')
      .map((i) => i.id);
    expect(exported.incident_updates.map((u) => u.id)).toEqual([...anchors].reverse());
    const investigating = exported.incident_updates[2]!;
    expect(investigating).toEqual({
      id: anchors[0],
      status: 'investigating',
      body: '<p>Investigating delayed confirmations</p>\n<p>Looking into <strong>delayed</strong> confirmations. window.__pwned = true</p>',
      incident_id: 'queue',
      created_at: '2024-06-02T07:52:00.000Z',
      updated_at: '2024-06-02T07:52:00.000Z',
      display_at: '2024-06-02T07:52:00.000Z',
      affected_components: [
        { code: 'checkout', name: 'Checkout', old_status: 'operational', new_status: 'degraded_performance' },
      ],
    });
    expect(exported.incident_updates[0]!.body).toBe('');
    expect(exported.incident_updates[1]!.body).toBe('<p>Rollback done.</p>');
  });

  it('gives each component the last status the timeline records, unknown old status as null', () => {
    expect(exported.components).toEqual([
      { id: 'order-queue', name: 'Order queue', status: 'degraded_performance' },
      { id: 'checkout', name: 'Checkout', status: 'operational' },
    ]);
    const only = statuspageIncident(
      bareIncident({}, [
        { at: '2024-01-01T00:00:00Z', kind: 'identified', components: [{ name: 'API', to: 'major_outage' }] },
      ]),
      ROOT,
      'p',
    );
    expect(only.incident_updates[0]!.affected_components).toEqual([
      { code: 'api', name: 'API', old_status: null, new_status: 'major_outage' },
    ]);
  });

  it('falls back to the frontmatter and the first timeline entry, and says null when nothing is known', () => {
    const fromFrontmatter = statuspageIncident(
      bareIncident({
        started: '2022-11-08T23:30:00Z',
        mitigated: '2022-11-08T23:50:00Z',
        resolved: '2022-11-09T00:10:00Z',
      }),
      ROOT,
      'p',
    );
    expect(fromFrontmatter).toMatchObject({
      impact: 'none',
      monitoring_at: '2022-11-08T23:50:00.000Z',
      resolved_at: '2022-11-09T00:10:00.000Z',
      updated_at: '2022-11-09T00:10:00.000Z',
      incident_updates: [],
      components: [],
    });

    const fromTimeline = statuspageIncident(
      bareIncident({ status: 'investigating' }, [
        { at: '2024-01-01T10:00:00Z', kind: 'investigating' },
        { at: '2024-01-01T09:00:00Z', kind: 'trigger' },
      ]),
      ROOT,
      'p',
    );
    expect(fromTimeline).toMatchObject({
      status: 'investigating',
      created_at: '2024-01-01T09:00:00.000Z',
      started_at: '2024-01-01T09:00:00.000Z',
      updated_at: '2024-01-01T10:00:00.000Z',
      resolved_at: null,
    });

    const unknown = statuspageIncident(bareIncident({}), '/', 'p');
    expect(unknown).toMatchObject({
      created_at: null,
      started_at: null,
      updated_at: null,
      shortlink: '/incidents/bare/',
    });
  });
});

describe('statuspageDocument', () => {
  it("lists incidents newest first under the page, updated at the newest incident's time", () => {
    const older = bareIncident({ started: '2022-11-08T23:30:00Z', resolved: '2022-11-09T00:10:00Z' });
    const doc = statuspageDocument([older, queueIncident()], PAGE);
    expect(doc.page).toEqual({
      id: 'aftermath',
      name: 'Aftermath',
      url: ROOT,
      time_zone: 'Etc/UTC',
      updated_at: '2024-06-03T00:00:00.000Z',
    });
    expect(doc.incidents.map((i) => i.id)).toEqual(['queue', 'bare']);
    expect(statuspageDocument([], PAGE).page.updated_at).toBeNull();
  });

  it('round-trips through the Statuspage importer: same kinds, times, text and components', () => {
    const incident = queueIncident();
    const doc = JSON.parse(JSON.stringify(statuspageDocument([incident], PAGE)));
    const found = findIncident(doc, 'queue', 'export');
    expect(found.page.url).toBe(ROOT);
    const imported = timelineEntriesFromIncident(found.incident, 'https://pm.example.com/incidents/queue');
    const original = incident.timeline.filter((e) => ['investigating', 'monitoring', 'resolved'].includes(e.kind));
    expect(imported.map((e) => e.kind)).toEqual(original.map((e) => e.kind));
    expect(imported.map((e) => Date.parse(e.at))).toEqual(original.map((e) => e.at.ms));
    expect(imported.map((e) => e.components ?? [])).toEqual(original.map((e) => e.components));
    expect(imported.map((e) => e.body)).toEqual([
      'Investigating delayed confirmations\n\nLooking into **delayed** confirmations. window.__pwned = true',
      'Rollback done.',
      undefined,
    ]);
  });
});
