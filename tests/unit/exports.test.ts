import Ajv2020 from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { escapeHtml } from '../../src/domain/text.ts';
import {
  exportInstant,
  incidentExport,
  incidentPageUrl,
  incidentSchemaUrl,
  siteRoot,
  type ExportableIncident,
} from '../../src/exports/incident-json.ts';
import { mergeTimeline } from '../../src/domain/timeline.ts';
import { parseDay, type Instant } from '../../src/domain/time.ts';
import { incidentExportJsonSchema, incidentExportSchema } from '../../src/schemas/export.ts';
import { actionsSchema } from '../../src/schemas/actions.ts';
import { locateFollowUps } from '../../src/domain/follow-ups.ts';
import { frontmatter, history, timeline } from '../support/data.ts';

const PAGE = 'https://pm.example.com/incidents/queue/';
const SCHEMA = 'https://pm.example.com/schemas/incident-v2.json';

/** An incident with every kind of history item, a date-only entry and an unknown moment. */
function sampleIncident(): ExportableIncident {
  return {
    slug: 'queue',
    frontmatter: frontmatter({
      started: '2024-06-02T09:15:00+02:00',
      detected: 'unknown',
      resolved: '2024-06-02T11:15:00+02:00',
      timezone: 'Europe/Berlin',
      tags: ['queues'],
      authors: ['Ann', { name: 'Bo', url: 'https://example.com/bo' }],
      sources: [{ url: 'https://status.example.com/x', title: 'Status', publisher: 'Example', kind: 'status-page' }],
    }),
    timeline: timeline([
      { at: '2024-06-02T09:15:00+02:00', kind: 'impact-start', title: 'Lag starts' },
      {
        at: '2024-06-02T09:52:00+02:00',
        kind: 'investigating',
        title: 'Investigating',
        body: 'Looking **now**',
        components: [{ name: 'Checkout', from: 'operational', to: 'major_outage' }],
      },
      {
        at: '2024-06-02T11:00:00+02:00',
        kind: 'impact-end',
        title: 'Lag ends',
        approximate: true,
        confidence: 'estimated',
        confidence_note: 'read off a graph',
      },
      { at: '2024-06-03', precision: 'day', kind: 'communication', title: 'Email', refs: ['#10'] },
    ]),
    history: history(
      [
        { type: 'issue', number: 10, title: 'Never acked', opened: '2024-06-02T09:45:00+02:00', labels: ['bug'] },
        {
          type: 'pull',
          number: 12,
          title: 'Restore ack',
          merged: '2024-06-02T10:40:00+02:00',
          relations: [
            { type: 'fixes', to: '#10' },
            { type: 'released-in', to: 'v42.1' },
          ],
          outcome: 'landed',
        },
        { type: 'commit', sha: 'abcdef1234567', title: 'Restore ack', committed: '2024-06-02T10:35:00+02:00' },
        { type: 'release', tag: 'v42.1', title: 'consumer 42.1', published: '2024-06-04' },
        {
          type: 'advisory',
          id: 'CVE-2024-12345',
          title: 'Advisory',
          published: '2024-06-05T00:00:00Z',
          fixed_in: ['v42.1'],
        },
      ],
      'example/consumer',
    ),
  };
}

function ajvFor(schema: Record<string, unknown>) {
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  // Zod writes `format: "uri"` for URLs; check it for real rather than ignoring formats.
  ajv.addFormat('uri', (text: string) => URL.canParse(text));
  return ajv.compile(schema);
}

describe('siteRoot and addresses', () => {
  it('is absolute under a configured site, with the base path, and a path without one', () => {
    expect(siteRoot(new URL('https://pm.example.com'), '/')).toBe('https://pm.example.com/');
    expect(siteRoot(new URL('https://pm.example.com/ignored/'), '/docs')).toBe('https://pm.example.com/docs/');
    expect(siteRoot(undefined, '/docs/')).toBe('/docs/');
    expect(incidentPageUrl('https://pm.example.com/docs/', 'queue')).toBe(
      'https://pm.example.com/docs/incidents/queue/',
    );
    expect(incidentSchemaUrl('/')).toBe('/schemas/incident-v2.json');
  });

  it('escapes text for HTML', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
});

describe('incidentExport', () => {
  const incident = sampleIncident();
  const doc = incidentExport(incident, PAGE, SCHEMA);

  it('names its schema, version, slug and page', () => {
    expect(doc).toMatchObject({ $schema: SCHEMA, schemaVersion: 2, slug: 'queue', url: PAGE });
  });

  it('writes instants as written with their precision, and unknown moments as null', () => {
    expect(doc.frontmatter.started).toEqual({ iso: '2024-06-02T09:15:00+02:00', precision: 'exact' });
    expect(doc.frontmatter.detected).toBeNull();
    expect(doc.frontmatter.mitigated).toBeNull();
    expect(doc.frontmatter.authors).toEqual(['Ann', { name: 'Bo', url: 'https://example.com/bo' }]);
    expect(exportInstant(parseDay('2024-06-03') as Instant)).toEqual({ iso: '2024-06-03', precision: 'day' });
    // Milliseconds are derived, not content: they never reach the document.
    expect(JSON.stringify(doc)).not.toContain('"ms"');
  });

  it("carries the merged timeline with the page's anchor ids, oldest first", () => {
    const merged = mergeTimeline(incident.timeline, incident.history, 'Europe/Berlin');
    expect(doc.timeline.map((i) => i.id)).toEqual(merged.map((i) => i.id));
    expect(doc.timeline.map((i) => i.title).slice(0, 3)).toEqual([
      'Lag starts',
      'Issue #10 opened: Never acked',
      'Investigating',
    ]);
    const investigating = doc.timeline.find((i) => i.kind === 'investigating')!;
    expect(investigating).toMatchObject({
      source: 'status-page',
      body: 'Looking **now**',
      components: [{ name: 'Checkout', from: 'operational', to: 'major_outage' }],
    });
    expect(doc.timeline.find((i) => i.kind === 'impact-end')).toMatchObject({
      approximate: true,
      confidence: 'estimated',
      confidenceNote: 'read off a graph',
    });
    expect(doc.timeline.find((i) => i.kind === 'communication')!.at).toEqual({ iso: '2024-06-03', precision: 'day' });
    expect(doc.timeline.find((i) => i.kind === 'merged')!.item).toEqual({
      key: '#12',
      type: 'pull',
      outcome: 'landed',
    });
  });

  it('carries the history with its dates serialized', () => {
    expect(doc.history.repository).toBe('example/consumer');
    expect(doc.history.items.map((i) => i.type)).toEqual(['issue', 'pull', 'commit', 'release', 'advisory']);
    expect(doc.history.items[1]).toMatchObject({
      merged: { iso: '2024-06-02T10:40:00+02:00', precision: 'exact' },
      relations: [
        { type: 'fixes', to: '#10' },
        { type: 'released-in', to: 'v42.1' },
      ],
    });
    expect(doc.history.items[3]).toMatchObject({ published: { iso: '2024-06-04', precision: 'day' } });
  });

  it('carries the metrics with values in milliseconds, or null with no bounds when unknown', () => {
    const byKey = Object.fromEntries(doc.metrics.map((m) => [m.key, m]));
    expect(byKey['time-to-resolve']).toMatchObject({
      value: 2 * 3_600_000,
      text: '2 h',
      from: { label: 'Started (frontmatter)', at: { iso: '2024-06-02T09:15:00+02:00' } },
    });
    // Detection falls back to the first "investigating" update; nothing says when it was mitigated.
    expect(byKey['time-to-detect']).toMatchObject({
      value: 37 * 60_000,
      text: '37 min',
      to: { label: 'Investigating' },
    });
    expect(byKey['time-to-mitigate']).toMatchObject({ value: null, text: 'unknown', to: null });
    expect(byKey['impact-window']!.value).toBe(105 * 60_000);
    // Issue opened 2 June, release published 4 June (date only): counted in days.
    expect(byKey['report-to-fix-release']).toMatchObject({ value: 2 * 86_400_000, text: '2 d' });
  });

  it('matches its own Zod schema and the published JSON Schema', () => {
    expect(incidentExportSchema.safeParse(doc).success).toBe(true);
    const validate = ajvFor(incidentExportJsonSchema(SCHEMA));
    expect(validate(JSON.parse(JSON.stringify(doc))), JSON.stringify(validate.errors)).toBe(true);
  });

  it('carries the follow-ups with their evidence-derived state, valid against the published schema', () => {
    const followUps = locateFollowUps(
      actionsSchema.parse([
        {
          id: 'restore-ack',
          title: 'Restore the ack',
          kind: 'mitigate',
          owner: 'Consumer team',
          status: 'done',
          since: '2024-06-04',
          evidence: ['#12', 'v42.1'],
        },
        {
          id: 'alert',
          title: 'Alert on lag',
          kind: 'detect',
          owner: 'SRE',
          status: 'open',
          due: '2024-07-01',
          links: ['https://example.com/ticket/1'],
        },
        {
          id: 'runbook',
          title: 'Runbook',
          kind: 'process',
          owner: 'SRE',
          status: 'done',
          evidence: [{ stated: 'in the postmortem', source: 'https://example.com/postmortem' }],
        },
      ]),
      () => undefined,
    );
    const withFollowUps = incidentExport({ ...sampleIncident(), followUps, repros: [] }, PAGE, SCHEMA);
    expect(withFollowUps.followUps.map((f) => [f.id, f.state])).toEqual([
      ['restore-ack', 'verified'],
      ['alert', 'open'],
      ['runbook', 'done-stated'],
    ]);
    expect(withFollowUps.followUps[0]!.evidence[0]).toEqual({
      kind: 'history',
      key: '#12',
      outcome: 'holds',
      detail: 'merged 2024-06-02T10:40:00+02:00',
    });
    expect(withFollowUps.followUps[1]).toMatchObject({
      due: { iso: '2024-07-01', precision: 'day' },
      links: [{ url: 'https://example.com/ticket/1' }],
    });
    expect(JSON.stringify(withFollowUps)).not.toContain('"line"');
    expect(doc.followUps).toEqual([]);
    const validate = ajvFor(incidentExportJsonSchema(SCHEMA));
    expect(validate(JSON.parse(JSON.stringify(withFollowUps))), JSON.stringify(validate.errors)).toBe(true);
    expect(incidentExportSchema.safeParse(withFollowUps).success).toBe(true);
  });

  it('is deterministic: the same content gives the same bytes', () => {
    expect(JSON.stringify(incidentExport(sampleIncident(), PAGE, SCHEMA))).toBe(JSON.stringify(doc));
  });
});

describe('incidentExportJsonSchema', () => {
  const schema = incidentExportJsonSchema(SCHEMA);
  const validate = ajvFor(schema);
  const valid = () => JSON.parse(JSON.stringify(incidentExport(sampleIncident(), PAGE, SCHEMA)));

  it('is draft 2020-12, identified by its address, with named definitions', () => {
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.$id).toBe(SCHEMA);
    expect(Object.keys(schema.$defs as object).sort()).toEqual([
      'Evidence',
      'FollowUp',
      'Frontmatter',
      'HistoryItem',
      'Instant',
      'Metric',
      'Moment',
      'TimelineItem',
    ]);
  });

  it('rejects what version 2 does not promise', () => {
    const extra = valid();
    extra.generatedAt = '2024-06-10T00:00:00Z';
    expect(validate(extra)).toBe(false);

    const withMs = valid();
    withMs.frontmatter.started = { ...withMs.frontmatter.started, ms: 1 };
    expect(validate(withMs)).toBe(false);

    const badPrecision = valid();
    badPrecision.timeline[0].at.precision = 'hour';
    expect(validate(badPrecision)).toBe(false);

    const badUrl = valid();
    badUrl.frontmatter.sources[0].url = 'not a url';
    expect(validate(badUrl)).toBe(false);

    const wrongVersion = valid();
    wrongVersion.schemaVersion = 1;
    expect(validate(wrongVersion)).toBe(false);
  });

  it('accepts an incident with nothing but its frontmatter', () => {
    const bare = incidentExport(
      {
        slug: 'bare',
        frontmatter: frontmatter({ started: '2024-01-01T00:00:00Z' }),
        timeline: [],
        history: history([]),
      },
      '/incidents/bare/',
    );
    expect(bare.$schema).toBe('/schemas/incident-v2.json');
    expect(validate(JSON.parse(JSON.stringify(bare))), JSON.stringify(validate.errors)).toBe(true);
  });
});
