import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import {
  findIncident,
  incidentAddresses,
  resolveStatuspageInput,
  statuspage,
  timelineEntriesFromIncident,
  type StatuspageIncident,
} from '../../src/importers/sources/statuspage.ts';
import { statuspageBodyToMarkdown } from '../../src/importers/sources/statuspage-body.ts';
import { ImportError } from '../../src/importers/error.ts';
import { mergeTimelineYaml, validateTimelineText } from '../../src/importers/merge/timeline.ts';
import { importPayload } from '../../src/importers/source.ts';
import { timelineEntrySchema, timelineSchema } from '../../src/schemas/timeline.ts';

const payloads = fileURLToPath(new URL('../fixtures/payloads/statuspage/', import.meta.url));
const load = (name: string): Record<string, unknown> => JSON.parse(readFileSync(payloads + name, 'utf8'));
const SOURCE = 'https://status.example.com/incidents/fx3nq8mw0t2k';
const IDENTITY = { sources: [SOURCE, 'https://stspg.example.com/fx3nq8'], kinds: statuspage.kinds };

function fixtureIncident(): StatuspageIncident {
  return load('incident-fx3nq8mw0t2k.json').incident as StatuspageIncident;
}

function incidentWith(updates: unknown[]): StatuspageIncident {
  return { id: 'test00000001', incident_updates: updates as StatuspageIncident['incident_updates'] };
}

function errorOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ImportError);
    return (error as Error).message;
  }
  throw new Error('expected an error');
}

describe('resolveStatuspageInput', () => {
  it('derives the API address from an incident page', () => {
    expect(resolveStatuspageInput('https://status.example.com/incidents/abc123')).toEqual({
      kind: 'url',
      url: 'https://status.example.com/api/v2/incidents/abc123.json',
      incidentId: 'abc123',
      pageUrl: 'https://status.example.com',
    });
    expect(resolveStatuspageInput('https://status.example.com/incidents/abc123/?utm=x#top', 'abc123')).toMatchObject({
      url: 'https://status.example.com/api/v2/incidents/abc123.json',
    });
  });
  it('derives it from a status page base address and --incident', () => {
    const input = resolveStatuspageInput('https://status.example.com/', 'abc123');
    expect(input).toMatchObject({
      kind: 'url',
      url: 'https://status.example.com/api/v2/incidents/abc123.json',
      pageUrl: 'https://status.example.com',
    });
  });
  it('takes API addresses as they are, and allows plain http', () => {
    expect(resolveStatuspageInput('http://127.0.0.1:8080/api/v2/incidents.json', 'abc123')).toMatchObject({
      url: 'http://127.0.0.1:8080/api/v2/incidents.json',
      incidentId: 'abc123',
      pageUrl: 'http://127.0.0.1:8080',
    });
    expect(resolveStatuspageInput('https://status.example.com/api/v2/incidents/abc123.json')).toMatchObject({
      incidentId: 'abc123',
    });
  });
  it('treats anything that is not an address as a file', () => {
    expect(resolveStatuspageInput('saved/incident.json', 'abc')).toEqual({
      kind: 'file',
      path: 'saved/incident.json',
      incidentId: 'abc',
    });
  });
  it('says what is missing or contradictory', () => {
    expect(errorOf(() => resolveStatuspageInput('https://status.example.com'))).toMatch(/--incident <id>/);
    expect(errorOf(() => resolveStatuspageInput('https://status.example.com/incidents/abc123', 'other'))).toMatch(
      /"abc123".*"other"/,
    );
    expect(errorOf(() => resolveStatuspageInput('ftp://status.example.com/incidents/abc123'))).toMatch(
      /only https:\/\//,
    );
  });
});

describe('findIncident', () => {
  it('finds the incident in a single-incident document and in incidents.json', () => {
    expect(findIncident(load('incident-fx3nq8mw0t2k.json'), 'fx3nq8mw0t2k', 'x').incident.id).toBe('fx3nq8mw0t2k');
    expect(findIncident(load('incident-fx3nq8mw0t2k.json'), undefined, 'x').page.url).toBe(
      'https://status.example.com',
    );
    expect(findIncident(load('incidents.json'), 'fx3nq8mw0t2k', 'x').incident.name).toBe(
      'Elevated error rates on the Widgets API',
    );
  });
  it('lists the ids found when the incident is not in the list', () => {
    const message = errorOf(() => findIncident(load('incidents.json'), 'nope12345678', 'incidents.json'));
    expect(message).toContain('incident "nope12345678" is not in incidents.json');
    expect(message).toContain('q8w7e6r5t4y3, fx3nq8mw0t2k');
    expect(errorOf(() => findIncident(load('incidents.json'), undefined, 'incidents.json'))).toMatch(
      /choose one with --incident.*q8w7e6r5t4y3/,
    );
  });
  it('rejects documents that are not Statuspage incidents, and the wrong incident', () => {
    expect(errorOf(() => findIncident([], undefined, 'a.json'))).toMatch(/not a Statuspage API document/);
    expect(errorOf(() => findIncident({ page: {}, components: [] }, 'x', 'a.json'))).toMatch(
      /found "page", "components"/,
    );
    expect(errorOf(() => findIncident(load('incident-fx3nq8mw0t2k.json'), 'other', 'a.json'))).toMatch(
      /holds incident "fx3nq8mw0t2k", not "other"/,
    );
  });
});

describe('incidentAddresses', () => {
  it('prefers the page address from the payload, and knows the shortlink', () => {
    const { incident, page } = findIncident(load('incident-fx3nq8mw0t2k.json'), undefined, 'x');
    expect(incidentAddresses(incident, page, 'http://127.0.0.1:9/')).toEqual([
      SOURCE,
      'http://127.0.0.1:9/incidents/fx3nq8mw0t2k',
      'https://stspg.example.com/fx3nq8',
    ]);
    expect(incidentAddresses({ id: 'abc', shortlink: 'https://stspg.example.com/abc' }, {})).toEqual([
      'https://stspg.example.com/abc',
    ]);
    expect(errorOf(() => incidentAddresses({ id: 'abc' }, {}))).toMatch(/cannot tell the address/);
  });
});

describe('timelineEntriesFromIncident', () => {
  const entries = timelineEntriesFromIncident(fixtureIncident(), SOURCE);

  it('writes one entry per update, oldest first, each valid for the schema', () => {
    expect(entries).toHaveLength(fixtureIncident().incident_updates!.length);
    expect(entries.map((e) => e.kind)).toEqual(['investigating', 'identified', 'monitoring', 'resolved', 'postmortem']);
    expect(entries.map((e) => e.title)).toEqual([
      'Investigating',
      'Identified',
      'Monitoring',
      'Resolved',
      'Postmortem',
    ]);
    for (const entry of entries) {
      expect(timelineEntrySchema.safeParse(entry).success).toBe(true);
      expect(entry).toMatchObject({ source: SOURCE, confidence: 'verified' });
    }
  });
  it('uses display_at with its offset, and created_at when display_at is null', () => {
    expect(entries[0]!.at).toBe('2024-01-30T09:14:00.000-08:00');
    expect(entries[1]!.at).toBe('2024-01-30T10:20:15.640-08:00');
  });
  it('marks an update posted long after the time it displays as backfilled', () => {
    expect(entries[0]!.backfilled).toBe(true);
    expect(entries.slice(1).every((e) => e.backfilled === undefined)).toBe(true);
  });
  it('leaves out a missing body and missing components', () => {
    expect(entries[1]).not.toHaveProperty('body');
    expect(entries[1]).not.toHaveProperty('components');
    expect(entries[2]).not.toHaveProperty('components'); // an empty list
  });
  it('maps affected components, without "from" when the old status is null', () => {
    expect(entries[0]!.components).toEqual([
      { name: 'Widgets API', from: 'operational', to: 'partial_outage' },
      { name: 'Dashboard', to: 'degraded_performance' },
    ]);
  });
  it('maps scheduled maintenance statuses, keeping their words as titles', () => {
    const maintenance = load('maintenance-m4n5b6v7c8x9.json').incident as StatuspageIncident;
    const mapped = timelineEntriesFromIncident(maintenance, 'https://status.example.com/incidents/m4n5b6v7c8x9');
    expect(mapped.map((e) => [e.kind, e.title])).toEqual([
      ['update', 'Scheduled'],
      ['update', 'In progress'],
      ['monitoring', 'Verifying'],
      ['resolved', 'Completed'],
    ]);
    expect(mapped[1]!.components).toEqual([{ name: 'Database', from: 'operational', to: 'under_maintenance' }]);
  });
  it('imports an incident without updates as nothing', () => {
    expect(timelineEntriesFromIncident({ id: 'a', incident_updates: null }, SOURCE)).toEqual([]);
  });
  it('fails on an unknown status, naming the update, what was found and what is accepted', () => {
    const message = errorOf(() =>
      timelineEntriesFromIncident(load('incident-unknown-status.json').incident as StatuspageIncident, SOURCE),
    );
    expect(message).toContain('update 2 of 3 (id zu2degraded, 2024-04-11T08:30:00.000Z) has status "degraded"');
    expect(message).toContain('Statuses found that cannot be mapped: degraded');
    expect(message).toContain(
      'Accepted: investigating, identified, monitoring, update, resolved, postmortem, scheduled, in_progress, verifying, completed',
    );
  });
  it('never drops an update it cannot read: every problem fails the import', () => {
    const message = errorOf(() =>
      timelineEntriesFromIncident(
        incidentWith([
          { id: 'a', status: null, display_at: '2024-01-01T00:00:00Z' },
          { id: 'b', status: 'resolved', display_at: null, created_at: null },
          { id: 'c', status: 'resolved', display_at: '2024-01-01 10:00' },
          {
            id: 'd',
            status: 'resolved',
            display_at: '2024-01-01T00:00:00Z',
            affected_components: [{ name: 'API', new_status: 'on_fire' }],
          },
          {
            id: 'e',
            status: 'resolved',
            display_at: '2024-01-01T00:00:00Z',
            affected_components: [{ name: 'API', old_status: 'fine', new_status: 'operational' }],
          },
          {
            id: 'f',
            status: 'resolved',
            display_at: '2024-01-01T00:00:00Z',
            affected_components: [{ name: '', new_status: 'operational' }],
          },
          'not an update',
        ]),
        SOURCE,
      ),
    );
    expect(message).toMatch(/7 of its 7 update\(s\) cannot be mapped/);
    expect(message).toContain('update 1 of 7 (id a, 2024-01-01T00:00:00Z) has status missing');
    expect(message).toContain('update 2 of 7 (id b) has neither display_at nor created_at');
    expect(message).toContain('display_at "2024-01-01 10:00", which is not an ISO 8601 timestamp with an offset');
    expect(message).toContain('component "API" has new_status "on_fire"');
    expect(message).toContain('component "API" has old_status "fine"');
    expect(message).toContain('affected component 1 has no name');
    expect(message).toContain('update 7 of 7 (no id) is not an object');
  });
  it('accepts status words in any case', () => {
    expect(
      timelineEntriesFromIncident(
        incidentWith([{ status: 'Resolved', created_at: '2024-01-01T00:00:00Z' }]),
        SOURCE,
      )[0]!.kind,
    ).toBe('resolved');
  });
});

describe('statuspageBodyToMarkdown', () => {
  it('keeps plain text and its line breaks, trimming only the edges', () => {
    expect(statuspageBodyToMarkdown('  First line\r\nsecond line  \n\n\n\nNew paragraph\n')).toBe(
      'First line\nsecond line\n\nNew paragraph',
    );
  });
  it('removes <script> and <style> elements with everything inside them', () => {
    const md = statuspageBodyToMarkdown(
      'Before<script type="text/javascript">alert("x"); if (a < b) {}</script> after<style>p{color:red}</style>.',
    );
    expect(md).toBe('Before after.');
    expect(statuspageBodyToMarkdown('<SCRIPT>steal()</SCRIPT >ok')).toBe('ok');
    // An unclosed script hides the rest rather than letting it through.
    expect(statuspageBodyToMarkdown('Text<script>alert(1)')).toBe('Text');
  });
  it('never lets a tag or an event handler survive', () => {
    const inputs = [
      '<img src="x" onerror="alert(1)">Hi',
      '<img src=x onerror=alert(1)//',
      '<scr<script>x</script>ipt>alert(1)</script>',
      '<svg onload=alert(1)><circle/></svg>done',
      '<a href="#" onclick="alert(1)">click</a>',
      '<iframe src="https://evil.example.net"></iframe>framed',
      '&lt;script&gt;alert(1)&lt;/script&gt;',
      '&amp;lt;script&amp;gt;',
      '<<script>script>alert(1)<</script>/script>',
    ];
    for (const input of inputs) {
      const md = statuspageBodyToMarkdown(input);
      expect(md, input).not.toMatch(/<[a-z!/?]/i);
      // A complete tag goes with its attributes; an unclosed one is only text, shown escaped.
      if (!input.startsWith('<img src=x')) expect(md, input).not.toMatch(/on(error|load|click)\s*=/i);
    }
    expect(statuspageBodyToMarkdown('<img src=x onerror=alert(1)//')).toBe('&lt;img src=x onerror=alert(1)//');
    expect(statuspageBodyToMarkdown('<img src="x" onerror="alert(1)">Hi')).toBe('Hi');
    expect(statuspageBodyToMarkdown('<a href="#" onclick="alert(1)">click</a>')).toBe('click');
  });
  it('shows encoded markup as text, never as markup', () => {
    expect(statuspageBodyToMarkdown('&lt;script&gt;alert(1)&lt;/script&gt;')).toBe('&lt;script>alert(1)&lt;/script>');
    expect(statuspageBodyToMarkdown('&amp;lt;b&amp;gt; stays literal')).toBe('&amp;lt;b&amp;gt; stays literal');
    expect(statuspageBodyToMarkdown('a < b, c > d, AT&T')).toBe('a < b, c > d, AT&T');
  });
  it('decodes entities', () => {
    expect(statuspageBodyToMarkdown('It&#39;s &quot;fixed&quot; &mdash; 100&nbsp;% &#x2713; &copy;')).toBe(
      'It\'s "fixed" — 100 % ✓ ©',
    );
    expect(statuspageBodyToMarkdown('&constructor; &unknown; &#0; &#xD800;')).toBe(
      '&amp;constructor; &amp;unknown; \uFFFD \uFFFD',
    );
  });
  it('keeps links to web and mail addresses, and only those', () => {
    expect(statuspageBodyToMarkdown('Read <a href="https://blog.example.com/a?b=1&amp;c=2">the post</a>.')).toBe(
      'Read [the post](https://blog.example.com/a?b=1&c=2).',
    );
    expect(statuspageBodyToMarkdown('<a href="mailto:help@example.com">help@example.com</a>')).toBe(
      '[help@example.com](mailto:help@example.com)',
    );
    expect(statuspageBodyToMarkdown('<a href="https://example.com/x">https://example.com/x</a>')).toBe(
      'https://example.com/x',
    );
    expect(statuspageBodyToMarkdown('<a href="javascript:alert(1)">click</a>')).toBe('click');
    expect(statuspageBodyToMarkdown('<a href="https://example.com/a (b)">x</a>')).toBe(
      '[x](https://example.com/a%20%28b%29)',
    );
  });
  it('does not let text written as Markdown form a link', () => {
    expect(statuspageBodyToMarkdown('[x](javascript:alert(1))')).toBe('[x\\](javascript:alert(1))');
    expect(statuspageBodyToMarkdown('[x]: javascript:alert(1)')).toBe('[x\\]: javascript:alert(1)');
  });
  it('turns paragraphs, breaks, emphasis and lists into Markdown', () => {
    expect(
      statuspageBodyToMarkdown('<p>One <strong>bold</strong> and <em>soft</em>.</p><p>Two<br>lines<br/>here</p>'),
    ).toBe('One **bold** and *soft*.\n\nTwo\nlines\nhere');
    expect(
      statuspageBodyToMarkdown('Affected:\n<ul>\n  <li>EU</li>\n  <li>US <ul><li>east</li></ul></li>\n</ul>\nDone'),
    ).toBe('Affected:\n\n- EU\n- US\n  - east\n\nDone');
    expect(statuspageBodyToMarkdown('<ol><li>first</li><li>second</li></ol>')).toBe('1. first\n2. second');
    expect(statuspageBodyToMarkdown('<b> </b>x<!-- a comment -->y')).toBe('xy');
  });
  it('returns nothing for an empty or markup-only body', () => {
    expect(statuspageBodyToMarkdown('')).toBe('');
    expect(statuspageBodyToMarkdown('<p> </p><br>')).toBe('');
  });
  it('keeps text next to code, emphasis and links from forming markup with it', () => {
    // A backtick before the code would end the span early; what was inside must not be a tag then.
    expect(statuspageBodyToMarkdown('`<code>&lt;script&gt;</code>')).toBe('``&lt;script>`');
    expect(statuspageBodyToMarkdown('&lt;<b></b>script&gt;')).toBe('&lt;script>');
    expect(statuspageBodyToMarkdown('Look!<a href="https://x.example.com/p.png">pixel</a>')).toBe(
      'Look\\![pixel](https://x.example.com/p.png)',
    );
    expect(statuspageBodyToMarkdown('one<br>\n\ntwo')).toBe('one\ntwo');
  });
  it('never writes Markdown that renders a tag, an image or a link to an unsafe address', () => {
    // Pieces of HTML and Markdown syntax in random order; fast-check prints the seed and the shrunk
    // counterexample when a run fails, `FUZZ_SEED=<n>` replays it, `FUZZ_RUNS=<n>` runs longer.
    const pieces = [
      ...['<a href="javascript:alert(1)">', '<a href="https://x.example.com/">', '<a href="mailto:a@b.c">', '</a>'],
      ...['<code>', '</code>', '<b>', '</b>', '<em>', '</em>', '<span>', '</span>', '<p>', '</p>', '<br>'],
      ...['<ul>', '<li>', '</ul>', '<script>', '</script>', '<!--', '-->', '<img src=x onerror=alert(1)>', '<i'],
      ...['&lt;', '&gt;', '&#96;', '&#91;', '&#93;', '&amp;', 'lt;', 'script>', '/script>', 'javascript:alert(1)'],
      ...['<', '>', '/', '[', ']', '(', ')', ':', '!', '`', '*', '_', '\\', '&', '\n', ' ', 'x', '\u0001'],
    ];
    const markdown = unified().use(remarkParse).use(remarkGfm);
    const seed = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 30 }), (parts) => {
        const md = statuspageBodyToMarkdown(parts.join(''));
        // A tag's start, or a control character (which the conversion drops).
        // eslint-disable-next-line no-control-regex
        expect(md).not.toMatch(/<[a-z!/?]|[\u0000-\u0008\u000b-\u001f\u007f]/i);
        const found: string[] = [];
        const walk = (node: { type: string; url?: string; children?: unknown[] }): void => {
          if (['html', 'image', 'imageReference', 'definition', 'linkReference'].includes(node.type))
            found.push(node.type);
          if (node.type === 'link' && !/^(?:https?:\/\/|mailto:)/.test(node.url!)) found.push(`link to ${node.url}`);
          for (const child of node.children ?? []) walk(child as typeof node);
        };
        walk(markdown.parse(md));
        expect(found, md).toEqual([]);
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 1000), seed },
    );
  });
});

const HAND_WRITTEN = `# Events in Pacific time unless written in UTC.
- at: "2024-01-30T08:55:00-08:00"
  kind: trigger
  title: A config push raises the error rate
  body: >-
    A folded paragraph an author wrapped by hand
    at a narrow width.
  source: https://blog.example.com/2024/widgets-api-errors
  confidence: verified
- at: "2024-01-30T17:14:00Z"
  kind: investigating
  title: Investigating elevated errors (a better title)
  source: https://stspg.example.com/fx3nq8
  confidence: verified
  confidence_note: copied by hand before the import existed
  refs: ["#12"]
- at: "2024-01-30T11:30:00-08:00" # drained at half past
  kind: mitigated
  title: Traffic drained from the bad region
  source: https://blog.example.com/2024/widgets-api-errors
  confidence: estimated
- at: "2024-01-30T11:45:00-08:00"
  kind: update
  title: An update that is no longer on the status page
  source: ${SOURCE}
  confidence: verified
`;

describe('mergeTimelineYaml', () => {
  const imported = timelineEntriesFromIncident(fixtureIncident(), SOURCE);

  it('writes a new timeline that the schema accepts', () => {
    const result = mergeTimelineYaml(undefined, imported, IDENTITY);
    expect(result).toMatchObject({ added: 5, updated: 0, unchanged: 0, kept: 0, stale: [] });
    expect(validateTimelineText(result.text, 'timeline.yaml')).toEqual([]);
    const parsed = timelineSchema.parse(parse(result.text));
    expect(parsed).toHaveLength(5);
    expect(result.text).toMatch(/^- at: "2024-01-30T09:14:00.000-08:00"$/m);
    // A multi-line body is a literal block, so its line breaks are visible as they are.
    expect(result.text).toContain(
      '  body: |-\n    We are investigating elevated error rates on the Widgets API.\n    Affected regions:\n',
    );
  });

  it('keeps hand-written entries and text, refreshes the matching entry, inserts the rest in time order', () => {
    const result = mergeTimelineYaml(HAND_WRITTEN, imported, IDENTITY);
    expect(result).toMatchObject({ added: 4, updated: 1, unchanged: 0, kept: 3 });
    expect(validateTimelineText(result.text, 'timeline.yaml')).toEqual([]);

    // Hand-written entries keep their exact text, comments included.
    expect(result.text.startsWith(HAND_WRITTEN.split('- at: "2024-01-30T17:14:00Z"')[0]!)).toBe(true);
    expect(result.text).toContain('- at: "2024-01-30T11:30:00-08:00" # drained at half past\n');

    const entries = parse(result.text) as Record<string, unknown>[];
    expect(entries).toHaveLength(4 + 5 - 1);
    // The same update (same instant written with another offset, cited by its shortlink) is refreshed, not duplicated.
    const matched = entries.filter((e) => e.kind === 'investigating');
    expect(matched).toHaveLength(1);
    expect(matched[0]).toMatchObject({
      at: '2024-01-30T17:14:00Z',
      title: 'Investigating elevated errors (a better title)',
      source: 'https://stspg.example.com/fx3nq8',
      confidence_note: 'copied by hand before the import existed',
      refs: ['#12'],
      backfilled: true,
      components: [
        { name: 'Widgets API', from: 'operational', to: 'partial_outage' },
        { name: 'Dashboard', to: 'degraded_performance' },
      ],
    });
    // Added fields go where the schema puts them, not after refs.
    expect(Object.keys(matched[0]!)).toEqual([
      'at',
      'kind',
      'title',
      'body',
      'components',
      'source',
      'confidence',
      'confidence_note',
      'backfilled',
      'refs',
    ]);

    const times = timelineSchema.parse(entries).map((e) => e.at.ms);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(result.stale).toEqual(['2024-01-30T11:45:00-08:00 update: An update that is no longer on the status page']);
  });

  it('changes nothing when imported again', () => {
    const first = mergeTimelineYaml(HAND_WRITTEN, imported, IDENTITY);
    const second = mergeTimelineYaml(first.text, imported, IDENTITY);
    expect(second.text).toBe(first.text);
    expect(second).toMatchObject({ added: 0, updated: 0, unchanged: 5, kept: 3 });
  });

  it('keeps a hand-written body when the update has none', () => {
    const text = `- at: "2024-01-30T10:20:15.640-08:00"\n  kind: identified\n  title: Identified\n  body: Written by hand.\n  source: ${SOURCE}\n  confidence: verified\n`;
    const result = mergeTimelineYaml(text, imported, IDENTITY);
    expect((parse(result.text) as { body?: string }[]).find((e) => e.body === 'Written by hand.')).toBeDefined();
  });

  it('fills an empty file and an empty list', () => {
    for (const text of ['', '[]\n', '# only a comment\n']) {
      const result = mergeTimelineYaml(text, imported, IDENTITY);
      expect(validateTimelineText(result.text, 't.yaml')).toEqual([]);
      expect(parse(result.text)).toHaveLength(5);
    }
  });

  it('refuses a file that is not a timeline', () => {
    expect(errorOf(() => mergeTimelineYaml('at: x\n', imported, IDENTITY))).toMatch(/not a list of entries/);
    expect(errorOf(() => mergeTimelineYaml('- at: [\n', imported, IDENTITY))).toMatch(/not valid YAML/);
  });
});

describe('the statuspage source', () => {
  it('picks, maps and merges in one call', () => {
    const payload = { document: load('incidents.json'), origin: 'incidents.json' };
    const input = { kind: 'file' as const, path: 'incidents.json', incidentId: 'q8w7e6r5t4y3' };
    const { entries } = statuspage.map(payload, input);
    expect(entries).toHaveLength(2);
    expect(entries[0]!.source).toBe('https://status.example.com/incidents/q8w7e6r5t4y3');
    const result = importPayload(statuspage, payload, input, undefined);
    expect(result.summary).toMatch(/\(q8w7e6r5t4y3\): 2 update\(s\): 2 added, 0 updated/);
  });
});

describe('validateTimelineText', () => {
  it('reports problems with file and line', () => {
    const problems = validateTimelineText(
      '- at: "2024-01-30T10:20"\n  kind: resolved\n  title: x\n  source: https://a.example.com\n  confidence: verified\n',
      't.yaml',
    );
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file: 't.yaml', line: 1, field: '[0].at' });
  });
});
