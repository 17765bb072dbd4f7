import type { z } from 'astro/zod';
import { describe, expect, it } from 'vitest';
import {
  confidence,
  maybeTimestamp,
  slugWord,
  timeZone,
  timestamp,
  timestampOrDay,
  url,
} from '../../src/schemas/fields.ts';
import { linkProblem } from '../../src/domain/links.ts';
import { historyItemSchema, historySchema } from '../../src/schemas/history.ts';
import { incidentSchema } from '../../src/schemas/incident.ts';
import { reproSchema } from '../../src/schemas/repro.ts';
import { timelineEntrySchema, timelineSchema } from '../../src/schemas/timeline.ts';

/** What the story says of a link it may not publish. */
const mdxLinkMessage = (href: string) => linkProblem(href, { inStory: true })!;

/** Each issue as `path: message`, the way a test can compare it exactly. */
function issues(schema: z.ZodType, input: unknown): string[] {
  const result = schema.safeParse(input);
  if (result.success) return [];
  return result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('timestamp', () => {
  it('parses to an Instant that keeps the text', () => {
    expect(timestamp.parse(' 2023-03-20T01:00:00-07:00 ')).toEqual({
      iso: '2023-03-20T01:00:00-07:00',
      ms: Date.UTC(2023, 2, 20, 8),
      precision: 'exact',
    });
  });
  it('explains each kind of bad timestamp', () => {
    expect(issues(timestamp, '2023-03-20T01:00:00')).toEqual([
      ': "2023-03-20T01:00:00" has no UTC offset, so the moment it names is ambiguous. Add "Z" for UTC or the offset in force at that time, e.g. 2023-03-20T01:00:00-07:00',
    ]);
    expect(issues(timestamp, '2023-03-20')[0]).toMatch(
      /^: "2023-03-20" is a date without a time\. Give a full timestamp with an offset/,
    );
    expect(issues(timestamp, '2023-02-29T10:00:00Z')).toEqual([
      ': "2023-02-29T10:00:00Z" is not a real date or time of day',
    ]);
    expect(issues(timestamp, 'noon')).toEqual([
      ': expected an ISO 8601 timestamp with a UTC offset, like 2023-03-20T01:00:00-07:00; found "noon"',
    ]);
    expect(issues(timestamp, 1679299200)).toEqual([
      ': expected an ISO 8601 timestamp with a UTC offset, like 2023-03-20T01:00:00-07:00 (quote it in YAML)',
    ]);
  });
});

describe('timestampOrDay', () => {
  it('takes a day or a full timestamp', () => {
    expect(timestampOrDay.parse('2023-03-24')).toEqual({
      iso: '2023-03-24',
      ms: Date.UTC(2023, 2, 24),
      precision: 'day',
    });
    expect(timestampOrDay.parse('2023-03-24T12:00:00Z').precision).toBe('exact');
  });
  it('still wants an offset on a time, and a real date', () => {
    expect(issues(timestampOrDay, '2023-03-24T12:00')[0]).toMatch(/"2023-03-24T12:00" has no UTC offset/);
    expect(issues(timestampOrDay, '2023-04-31')).toEqual([': "2023-04-31" is not a real date or time of day']);
  });
});

describe('maybeTimestamp', () => {
  it('turns unknown, null and a missing value into null', () => {
    expect(maybeTimestamp.parse('unknown')).toBeNull();
    expect(maybeTimestamp.parse(null)).toBeNull();
    expect(maybeTimestamp.parse(undefined)).toBeNull();
    expect(maybeTimestamp.parse('2023-03-20T08:00:00Z')?.ms).toBe(Date.UTC(2023, 2, 20, 8));
  });
  it('does not accept other words for unknown', () => {
    expect(issues(maybeTimestamp, 'Unknown')[0]).toMatch(/found "Unknown"/);
    expect(issues(maybeTimestamp, 'tbd')[0]).toMatch(/found "tbd"/);
  });
});

describe('timeZone, url, slugWord, confidence', () => {
  it('accepts IANA zones and explains abbreviations', () => {
    expect(timeZone.parse('Europe/Berlin')).toBe('Europe/Berlin');
    expect(issues(timeZone, 'PST')).toEqual([
      ': "PST" is not an IANA time zone. Use a name such as America/Los_Angeles, Europe/Berlin or UTC (abbreviations like PST are ambiguous)',
    ]);
  });
  it('wants absolute URLs', () => {
    expect(url.parse('https://example.com/a')).toBe('https://example.com/a');
    expect(url.parse('http://example.com/a')).toBe('http://example.com/a');
    expect(issues(url, 'example.com')).toEqual([
      ': expected an absolute URL starting with https:// or http://; found "example.com"',
    ]);
    expect(issues(url, 'https://exa mple.com')).toEqual([': "https://exa mple.com" is not a valid URL']);
  });
  it('publishes https:// and http:// only, with the message the story gives', () => {
    const story = mdxLinkMessage('javascript:alert(1)');
    expect(issues(url, 'javascript:alert(1)')).toEqual([`: ${story}`]);
    // A browser ignores control characters and case in a scheme; so does the rule.
    for (const sneaky of ['JavaScript:alert(1)', 'java\tscript:alert(1)', ' javascript:alert(1)'])
      expect(issues(url, sneaky)[0], sneaky).toMatch(/^: a javascript: link is not allowed/);
    expect(issues(url, 'data:text/html,<b>x</b>')[0]).toMatch(/^: a data: link is not allowed/);
    expect(issues(url, 'file:///etc/passwd')[0]).toMatch(/^: a file: link is not allowed/);
    expect(issues(url, 'mailto:ops@example.com')[0]).toMatch(/^: a mailto: link is not allowed/);
  });
  it('wants lower-case hyphenated words', () => {
    expect(slugWord.parse('data-exposure')).toBe('data-exposure');
    for (const bad of ['Data', 'two words', 'trailing-', 'a--b', 'ü']) {
      expect(issues(slugWord, bad), bad).toEqual([
        ': use lower-case letters, digits and hyphens only (e.g. "data-exposure"), since it becomes part of a URL',
      ]);
    }
  });
  it('lists the confidence levels with their meaning', () => {
    expect(issues(confidence, 'sure')[0]).toBe(
      ': expected confidence to be one of: verified (read in a primary source), secondary (a third party reports it), estimated (inferred)',
    );
  });
});

describe('incidentSchema', () => {
  const minimal = {
    title: 'T',
    summary: 'S',
    impact: 'I',
    severity: 'SEV3',
    status: 'resolved',
    timezone: 'UTC',
    authors: ['A'],
  };

  it('fills defaults for what may be left out', () => {
    expect(incidentSchema.parse(minimal)).toEqual({
      ...minimal,
      started: null,
      detected: null,
      mitigated: null,
      resolved: null,
      components: [],
      tags: [],
      sources: [],
      draft: false,
    });
  });

  it('explains wrong values field by field', () => {
    expect(
      issues(incidentSchema, {
        ...minimal,
        title: '  ',
        severity: 'P1',
        status: 'done',
        impact: 'a\nb',
        summary: 'one\n\ntwo',
        authors: [],
        slug: 'My Slug',
      }),
    ).toEqual([
      'title: a title must not be empty',
      'summary: the summary must be one paragraph (no blank lines); move the rest into the body',
      'impact: the impact must fit on one line; say the rest in the summary',
      'severity: expected severity to be one of SEV1 (critical), SEV2 (major), SEV3 (minor), SEV4 (none)',
      'status: expected status to be one of: investigating, identified, monitoring, resolved, postmortem',
      'authors: name at least one author',
      'slug: use lower-case letters, digits and hyphens only (e.g. "data-exposure"), since it becomes part of a URL',
    ]);
  });

  it('accepts authors as names or {name, url}, and checks sources', () => {
    const parsed = incidentSchema.parse({ ...minimal, authors: ['A', { name: 'B', url: 'https://b.example/' }] });
    expect(parsed.authors).toEqual(['A', { name: 'B', url: 'https://b.example/' }]);
    expect(
      issues(incidentSchema, {
        ...minimal,
        sources: [{ url: 'https://x.test/', title: 'X', publisher: 'P', kind: 'blog' }],
      }),
    ).toEqual([
      'sources.0.kind: expected kind to be one of: postmortem, status-page, statement, code, advisory, analysis, news, other',
    ]);
  });

  it('rejects unknown fields and a non-mapping', () => {
    expect(issues(incidentSchema, { ...minimal, sevrity: 'SEV1' })).toHaveLength(1);
    expect(incidentSchema.safeParse({ ...minimal, sevrity: 'SEV1' }).error?.issues[0]).toMatchObject({
      code: 'unrecognized_keys',
      keys: ['sevrity'],
    });
    expect(issues(incidentSchema, undefined)).toEqual([
      ': expected the frontmatter to hold fields such as title, summary, severity and timezone',
    ]);
  });
});

describe('timelineEntrySchema', () => {
  const entry = {
    at: '2023-03-20T01:00:00-07:00',
    kind: 'trigger',
    title: 'T',
    source: 'https://example.com/',
    confidence: 'verified',
  };

  it('parses `at` into an Instant and fills defaults', () => {
    expect(timelineEntrySchema.parse(entry)).toEqual({
      ...entry,
      at: { iso: '2023-03-20T01:00:00-07:00', ms: Date.UTC(2023, 2, 20, 8), precision: 'exact' },
      precision: 'exact',
      approximate: false,
      components: [],
      backfilled: false,
      refs: [],
    });
  });

  it('allows a date only with precision: day, and says so', () => {
    expect(timelineEntrySchema.parse({ ...entry, at: '2023-03-20', precision: 'day' }).at).toEqual({
      iso: '2023-03-20',
      ms: Date.UTC(2023, 2, 20),
      precision: 'day',
    });
    expect(issues(timelineEntrySchema, { ...entry, at: '2023-03-20' })).toEqual([
      'at: "2023-03-20" is a date without a time. If only the day is known, add precision: day to this entry; otherwise give a full timestamp with an offset, like 2023-03-20T01:00:00-07:00',
    ]);
    expect(issues(timelineEntrySchema, { ...entry, at: '2023-03-20T01:00' })[0]).toMatch(
      /has no UTC offset.*\(if only the day is known, add precision: day\)$/,
    );
  });

  it('validates component status changes', () => {
    expect(issues(timelineEntrySchema, { ...entry, components: [{ name: 'API', to: 'down' }] })).toEqual([
      'components.0.to: expected one of: operational, degraded_performance, partial_outage, major_outage, under_maintenance',
    ]);
  });

  it('wants the file to be a list', () => {
    expect(issues(timelineSchema, { at: 'x' })).toEqual([
      ': expected timeline.yaml to be a list of entries, each starting with "- at:"',
    ]);
    expect(timelineSchema.parse([])).toEqual([]);
  });
});

describe('historySchema', () => {
  it('accepts an empty history and fills item defaults', () => {
    expect(historySchema.parse({ items: [] })).toEqual({ items: [] });
    expect(historySchema.parse({})).toEqual({ items: [] });
    expect(historyItemSchema.parse({ type: 'pull', number: 2641, title: 'Fix', merged: '2023-03-22' })).toMatchObject({
      labels: [],
      relations: [],
      confidence: 'verified',
      merged: { iso: '2023-03-22', precision: 'day' },
    });
  });

  it('explains bad items', () => {
    expect(issues(historyItemSchema, { type: 'pull', number: 0, title: 'T' })).toEqual([
      'number: expected the issue or pull-request number, e.g. 2641',
    ]);
    expect(issues(historyItemSchema, { type: 'commit', sha: 'xyz', title: 'T' })).toEqual([
      'sha: expected a commit SHA of 7 to 40 hex digits',
    ]);
    expect(issues(historyItemSchema, { type: 'advisory', id: 'CVE-23-1', title: 'T' })).toEqual([
      'id: expected an advisory id such as CVE-2023-28858, GHSA-24wv-mv5m-xv4h or PYSEC-2023-45',
    ]);
    expect(issues(historyItemSchema, { type: 'bug', title: 'T' })).toEqual([
      'type: expected type to be one of: issue, pull, commit, release, advisory',
    ]);
    expect(
      issues(historyItemSchema, {
        type: 'issue',
        number: 1,
        title: 'T',
        relations: [{ type: 'duplicates', to: '#2' }],
      }),
    ).toEqual([
      'relations.0.type: expected a relation type: fixes, reopens, reverts, supersedes, backport-of, released-in, caused-by',
    ]);
    expect(issues(historySchema, { repository: 'redis-py', items: [] })).toEqual([
      'repository: expected a repository as owner/name, e.g. redis/redis-py',
    ]);
    expect(issues(historySchema, [])).toEqual([
      ': expected history.yaml to be a mapping with "repository" and "items"',
    ]);
  });
});

describe('reproSchema', () => {
  const manifest = {
    title: 'R',
    runtime: 'python',
    entry: 'main.py',
    expect: { reproduced: 'LEAK', not_reproduced: '^OK$' },
  };

  it('fills defaults', () => {
    expect(reproSchema.parse(manifest)).toEqual({
      ...manifest,
      parameters: {},
      measurements: {},
      services: [],
      repeat: 1,
      timeout_s: 60,
      expect: { ...manifest.expect, by_version: {}, by_parameter: {} },
    });
  });

  it('explains a bad repeat', () => {
    expect(issues(reproSchema, { ...manifest, repeat: 0 })).toEqual(['repeat: repeat must be at least 1']);
    expect(issues(reproSchema, { ...manifest, repeat: 2.5 })).toEqual(['repeat: repeat must be a whole number']);
    expect(issues(reproSchema, { ...manifest, repeat: 'ten' })).toEqual([
      'repeat: expected repeat as a whole number of runs per cell',
    ]);
  });

  it('explains bad runtimes, patterns, parameters and services', () => {
    expect(
      issues(reproSchema, {
        ...manifest,
        runtime: 'ruby',
        parameters: { sleep: [1] },
        services: ['postgres'],
        timeout_s: 0,
        expect: { reproduced: '(', not_reproduced: 'OK', by_version: { '4.5.4': 'yes' } },
      }),
    ).toEqual([
      'runtime: expected runtime to be one of: python, node',
      'parameters.sleep: Invalid key in record',
      'services.0: expected a built-in service (redis, redis-cluster, latency-proxy), one the site declares in its config (aftermath({ services })), or a service declared here by command (a mapping with name and command)',
      'timeout_s: timeout_s must be more than 0 seconds',
      'expect.reproduced: expected a valid regular expression',
      'expect.by_version.4.5.4: Invalid option: expected one of "reproduced"|"not-reproduced"',
    ]);
    expect(issues(reproSchema, { ...manifest, timeout_s: 7200 })).toEqual([
      'timeout_s: timeout_s must be at most 3600 seconds (one hour)',
    ]);
  });

  it('keeps the message of a bad parameter name inside the record issue (problemsFromZod shows it)', () => {
    const issue = reproSchema.safeParse({ ...manifest, parameters: { sleep: [1] } }).error?.issues[0];
    expect(issue).toMatchObject({
      code: 'invalid_key',
      issues: [{ message: 'parameter names are environment variable names, e.g. SLEEP' }],
    });
  });
});
