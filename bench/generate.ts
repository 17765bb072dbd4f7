/**
 * Synthetic incidents for `npm run bench`. Pure: one incident's files are a function of a seed
 * and its index only, so an archive of 10 is the first 10 of an archive of 100 and two runs
 * write the same bytes. Every incident is valid content (see tests/unit/bench-generate.test.ts)
 * with the shape of a real postmortem: full frontmatter, a 20-entry timeline, a 10-item history
 * whose relations draw a fix graph, two Mermaid diagrams that differ per incident (so each is its
 * own diagram-cache entry), Python, TypeScript and diff code blocks, and one repro folder.
 *
 * The repro folder holds repro.yaml and its snippet only, no results.json: the site's reading of
 * recorded results is still changing, and a benchmark should not pin it.
 */

export interface GeneratedIncident {
  /** The folder name under content/incidents/. */
  slug: string;
  /** Path inside the incident folder (with `/`) → file content. */
  files: Record<string, string>;
}

/** mulberry32: a small, fast PRNG with a 32-bit state; good enough to vary text. */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Mixes the run's seed with an incident's index, so incidents are independent of each other. */
export function incidentSeed(seed: number, index: number): number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  h = Math.imul(h ^ index, 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

interface Rng {
  next(): number;
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  some<T>(items: readonly T[], count: number): T[];
  hex(length: number): string;
}

function rngFrom(seed: number): Rng {
  const next = prng(seed);
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  return {
    next,
    int,
    pick,
    some<T>(items: readonly T[], count: number): T[] {
      const pool = [...items];
      const out: T[] = [];
      while (out.length < count && pool.length > 0) out.push(pool.splice(Math.floor(next() * pool.length), 1)[0]!);
      return out;
    },
    hex: (length) => Array.from({ length }, () => '0123456789abcdef'[int(0, 15)]).join(''),
  };
}

/** Zones without daylight saving time, so one fixed offset is right all year. */
const ZONES: readonly (readonly [zone: string, offsetMinutes: number])[] = [
  ['UTC', 0],
  ['Asia/Tokyo', 540],
  ['Asia/Kolkata', 330],
  ['America/Phoenix', -420],
  ['Africa/Nairobi', 180],
  ['Asia/Singapore', 480],
  ['America/Bogota', -300],
  ['Australia/Brisbane', 600],
];

const SERVICES = [
  'checkout',
  'payments',
  'search',
  'auth',
  'notifications',
  'inventory',
  'billing',
  'ingest',
  'scheduler',
  'gateway',
  'profiles',
  'media',
  'ledger',
  'catalog',
  'sessions',
] as const;

interface Cause {
  what: string;
  dependency: string;
  library: string;
  tag: string;
  symptom: string;
}

const CAUSES: readonly Cause[] = [
  {
    what: 'connection pool exhaustion',
    dependency: 'Postgres',
    library: 'psycopg-pool',
    tag: 'connection-pools',
    symptom: 'requests waited for a database connection until they timed out',
  },
  {
    what: 'a cache stampede',
    dependency: 'Redis',
    library: 'redis-py',
    tag: 'caching',
    symptom: 'every replica recomputed the same expensive value at once',
  },
  {
    what: 'an expired TLS certificate',
    dependency: 'the internal CA',
    library: 'cert-rotator',
    tag: 'tls',
    symptom: 'clients refused the handshake',
  },
  {
    what: 'a retry storm',
    dependency: 'the object store',
    library: 'backoff',
    tag: 'retries',
    symptom: 'retries multiplied the load on a dependency that was already slow',
  },
  {
    what: 'a schema migration holding a lock',
    dependency: 'MySQL',
    library: 'gh-ost',
    tag: 'migrations',
    symptom: 'writes queued behind a table lock',
  },
  {
    what: 'a misrouted DNS change',
    dependency: 'the resolver fleet',
    library: 'octodns',
    tag: 'dns',
    symptom: 'a share of clients resolved the old, drained address',
  },
  {
    what: 'a queue consumer that stopped acknowledging',
    dependency: 'Kafka',
    library: 'kafkajs',
    tag: 'queues',
    symptom: 'the backlog grew while consumers reprocessed the same batch',
  },
  {
    what: 'a memory leak in a parser',
    dependency: 'the JSON decoder',
    library: 'orjson',
    tag: 'memory',
    symptom: 'pods were OOM-killed and restarted in a loop',
  },
  {
    what: 'clock skew between nodes',
    dependency: 'NTP',
    library: 'chrony',
    tag: 'time',
    symptom: 'tokens were rejected as not yet valid',
  },
  {
    what: 'a feature flag enabled for everyone',
    dependency: 'the flag service',
    library: 'unleash-client',
    tag: 'feature-flags',
    symptom: 'an unfinished code path ran for all traffic',
  },
];

const TAGS = [
  'deploys',
  'config',
  'capacity',
  'observability',
  'alerting',
  'rollback',
  'networking',
  'kubernetes',
  'load-balancing',
  'rate-limiting',
  'storage',
  'third-party',
] as const;
const PEOPLE = [
  'Ada Okafor',
  'Bruno Lindqvist',
  'Chen Wei',
  'Dana Whitfield',
  'Esra Demir',
  'Farid Haddad',
  'Grace Mwangi',
  'Hiro Tanaka',
  'Ines Duarte',
  'Jonas Brandt',
] as const;
const HANDLES = [
  'aokafor',
  'blindqvist',
  'chenwei',
  'dwhitfield',
  'edemir',
  'fhaddad',
  'gmwangi',
  'htanaka',
  'iduarte',
  'jbrandt',
] as const;

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** A moment as ISO 8601 in a zone with a fixed offset: `2024-06-02T09:15:00+09:00`. */
export function isoWithOffset(ms: number, offsetMinutes: number): string {
  const local = new Date(ms + offsetMinutes * 60_000);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}T${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

function day(ms: number, offsetMinutes: number): string {
  return isoWithOffset(ms, offsetMinutes).slice(0, 10);
}

/** A YAML double-quoted string. */
function q(text: string): string {
  return JSON.stringify(text);
}

const MINUTE = 60_000;
const DAY = 86_400_000;

interface Ctx {
  index: number;
  r: Rng;
  service: string;
  cause: Cause;
  zone: string;
  offset: number;
  repo: string;
  /** First issue number of this incident's history; unique per incident, so fix graphs differ. */
  base: number;
  fixRelease: string;
  badRelease: string;
}

/** The files of incident number `index` (0-based) of an archive generated with `seed`. */
export function generateIncident(seed: number, index: number): GeneratedIncident {
  const r = rngFrom(incidentSeed(seed, index));
  const service = r.pick(SERVICES);
  const cause = r.pick(CAUSES);
  const [zone, offset] = r.pick(ZONES);
  const major = r.int(1, 9);
  const minor = r.int(0, 30);
  const patch = r.int(0, 8);
  const ctx: Ctx = {
    index,
    r,
    service,
    cause,
    zone,
    offset,
    repo: `example-org/${service}-service`,
    base: 1000 + index * 20,
    badRelease: `v${major}.${minor}.${patch}`,
    fixRelease: `v${major}.${minor}.${patch + 1}`,
  };
  // Spread over 2016-2025, on a whole minute; the index keeps start times distinct.
  const start = Date.UTC(2016, 0, 1) + r.int(0, 3650) * DAY + r.int(0, 1439) * MINUTE + (index % 60) * 1000;
  const { timeline, moments } = timelineYaml(ctx, start);
  const date = day(start, offset);
  const slug = `${date}-${service}-${cause.tag}-${pad(index, 4)}`;
  const reproId = `${cause.tag}-race`;
  return {
    slug,
    files: {
      'index.mdx': indexMdx(ctx, moments),
      'timeline.yaml': timeline,
      'history.yaml': historyYaml(ctx, start),
      [`repros/${reproId}/repro.yaml`]: reproYaml(ctx),
      [`repros/${reproId}/repro.py`]: reproSnippet(ctx),
    },
  };
}

interface Moments {
  started: string;
  detected: string;
  mitigated: string;
  resolved: string;
}

function timelineYaml(ctx: Ctx, start: number): { timeline: string; moments: Moments } {
  const { r, service, cause, offset, base } = ctx;
  const component = `${service[0]!.toUpperCase()}${service.slice(1)} API`;
  let t = start;
  const at = (minutes: number) => {
    t += minutes * MINUTE;
    return isoWithOffset(t, offset);
  };
  const statusUrl = `https://status.example.com/incidents/${service}-${ctx.index}`;
  const postmortemUrl = `https://blog.example.com/postmortems/${service}-${ctx.index}`;
  const chatUrl = `https://chat.example.com/archives/incident-${ctx.index}`;
  type Entry = {
    at: string;
    kind: string;
    title: string;
    body?: string;
    source: string;
    confidence: string;
    extra?: string[];
  };
  const entries: Entry[] = [];
  const push = (e: Entry) => entries.push(e);

  const trigger = at(0);
  push({
    at: trigger,
    kind: 'trigger',
    title: `${ctx.badRelease} of ${service} reaches production`,
    body: `The release carries ${cause.what}, which nobody has noticed yet.`,
    source: postmortemUrl,
    confidence: 'verified',
    extra: [`refs: ["#${base + 1}"]`],
  });
  const impactStart = at(r.int(1, 6));
  push({
    at: impactStart,
    kind: 'impact-start',
    title: `Error rate of ${service} starts to climb`,
    body: `In short: ${cause.symptom}.`,
    source: postmortemUrl,
    confidence: 'estimated',
    extra: ['confidence_note: read off the error-rate graph, to the minute'],
  });
  const detected = at(r.int(4, 25));
  push({
    at: detected,
    kind: 'detected',
    title: 'The on-call engineer is paged',
    body: `An alert on the ${service} error budget fires.`,
    source: chatUrl,
    confidence: 'verified',
  });
  push({
    at: at(r.int(2, 8)),
    kind: 'investigating',
    title: 'We are investigating elevated errors',
    body: `Some requests to ${component} fail. We are looking into it.`,
    source: statusUrl,
    confidence: 'verified',
    extra: [`components:`, `    - { name: ${q(component)}, from: operational, to: degraded_performance }`],
  });
  push({
    at: at(r.int(3, 10)),
    kind: 'communication',
    title: 'Support is told what to say to customers',
    source: chatUrl,
    confidence: 'secondary',
  });
  push({
    at: at(r.int(2, 10)),
    kind: 'note',
    title: `Dashboards point at ${cause.dependency}`,
    body: `Latency to ${cause.dependency} is ten times its usual level.`,
    source: chatUrl,
    confidence: 'verified',
  });
  push({
    at: at(r.int(5, 20)),
    kind: 'identified',
    title: 'The cause has been identified',
    body: `The issue is ${cause.what} introduced by the latest release.`,
    source: statusUrl,
    confidence: 'verified',
  });
  push({
    at: at(r.int(3, 12)),
    kind: 'update',
    title: 'Errors continue for some customers',
    body: 'A rollback is being prepared.',
    source: statusUrl,
    confidence: 'verified',
    extra: [`components:`, `    - { name: ${q(component)}, from: degraded_performance, to: partial_outage }`],
  });
  push({
    at: at(r.int(5, 15)),
    kind: 'deploy',
    title: `Revert of #${base + 1} is deployed`,
    body: `[#${base + 4}](https://github.com/${ctx.repo}/pull/${base + 4}) rolls the change back.`,
    source: `https://github.com/${ctx.repo}/pull/${base + 4}`,
    confidence: 'verified',
    extra: [`refs: ["#${base + 4}"]`],
  });
  push({
    at: at(r.int(2, 10)),
    kind: 'update',
    title: 'The rollback is complete; error rates are falling',
    source: statusUrl,
    confidence: 'verified',
  });
  push({
    at: at(r.int(1, 5)),
    kind: 'note',
    title: 'Queued work is drained by hand',
    body: 'Two engineers replay the requests that failed.',
    source: chatUrl,
    confidence: 'secondary',
    extra: ['approximate: true'],
  });
  const mitigated = at(r.int(3, 15));
  push({
    at: mitigated,
    kind: 'mitigated',
    title: 'Error rate back under the alert threshold',
    source: postmortemUrl,
    confidence: 'verified',
  });
  push({
    at: at(r.int(2, 6)),
    kind: 'monitoring',
    title: 'A fix has been implemented and we are monitoring the results',
    source: statusUrl,
    confidence: 'verified',
    extra: [`components:`, `    - { name: ${q(component)}, from: partial_outage, to: degraded_performance }`],
  });
  push({
    at: at(r.int(5, 30)),
    kind: 'update',
    title: 'Latency is back to normal in all regions',
    source: statusUrl,
    confidence: 'verified',
  });
  push({
    at: at(r.int(1, 10)),
    kind: 'impact-end',
    title: 'Last failed request in the logs',
    source: postmortemUrl,
    confidence: 'verified',
  });
  push({
    at: at(r.int(60, 600)),
    kind: 'deploy',
    title: `The real fix, #${base + 6}, ships in ${ctx.fixRelease}`,
    source: `https://github.com/${ctx.repo}/pull/${base + 6}`,
    confidence: 'verified',
    extra: [`refs: ["#${base + 6}", ${q(ctx.fixRelease)}]`],
  });
  const resolved = at(r.int(5, 30));
  push({
    at: resolved,
    kind: 'resolved',
    title: 'This incident has been resolved',
    source: statusUrl,
    confidence: 'verified',
    extra: [`components:`, `    - { name: ${q(component)}, from: degraded_performance, to: operational }`],
  });
  push({
    at: at(r.int(10, 120)),
    kind: 'communication',
    title: 'Affected customers are e-mailed',
    body: 'The e-mail explains the impact and apologises.',
    source: chatUrl,
    confidence: 'secondary',
  });
  // Only the day of the review is known.
  push({
    at: day(t + 2 * DAY, offset),
    kind: 'note',
    title: 'Incident review meeting',
    source: chatUrl,
    confidence: 'secondary',
    extra: ['precision: day'],
  });
  push({
    at: at(r.int(5, 9) * 24 * 60),
    kind: 'postmortem',
    title: 'The postmortem is published',
    source: postmortemUrl,
    confidence: 'verified',
  });

  const lines = [`# ${entries.length} entries: the status page's updates and the incident's own events.`];
  for (const e of entries) {
    lines.push(`- at: ${q(e.at)}`, `  kind: ${e.kind}`, `  title: ${q(e.title)}`);
    if (e.body) lines.push(`  body: ${q(e.body)}`);
    lines.push(`  source: ${e.source}`, `  confidence: ${e.confidence}`);
    for (const x of e.extra ?? []) lines.push(`  ${x}`);
  }
  const unknownMitigation = ctx.index % 7 === 3;
  return {
    timeline: `${lines.join('\n')}\n`,
    moments: {
      started: q(impactStart),
      detected: q(detected),
      mitigated: unknownMitigation ? 'unknown' : q(mitigated),
      resolved: q(resolved),
    },
  };
}

function historyYaml(ctx: Ctx, start: number): string {
  const { r, base, repo, service, cause, offset } = ctx;
  const person = () => r.pick(HANDLES);
  // Each item a few minutes after the day offset it is given, so the dates read in order.
  const when = (days: number) => q(isoWithOffset(start + days * DAY + r.int(0, 9) * MINUTE, offset));
  const sha = r.hex(40);
  const year = new Date(start).getUTCFullYear();
  const cve = `CVE-${year}-${pad(10000 + ((ctx.index * 7919) % 89999), 5)}`;
  const url = (kind: string, n: number | string) => `https://github.com/${repo}/${kind}/${n}`;
  return `repository: ${repo}
items:
  - type: issue
    number: ${base}
    title: ${q(`${service}: ${cause.symptom}`)}
    author: ${person()}
    url: ${url('issues', base)}
    opened: ${when(0.01)}
    closed: ${when(1)}
    labels: [bug, incident]
    relations:
      - { type: caused-by, to: "#${base + 1}" }
  - type: pull
    number: ${base + 1}
    title: ${q(`Introduce ${cause.library} tuning for ${service}`)}
    author: ${person()}
    url: ${url('pull', base + 1)}
    opened: ${when(-6)}
    merged: ${when(-3)}
    relations:
      - { type: released-in, to: ${ctx.badRelease} }
  - type: release
    tag: ${ctx.badRelease}
    title: ${q(`${service} ${ctx.badRelease.slice(1)}`)}
    url: ${url('releases/tag', ctx.badRelease)}
    published: ${when(-1)}
  - type: pull
    number: ${base + 3}
    title: ${q(`Raise the ${cause.dependency} timeout`)}
    author: ${person()}
    url: ${url('pull', base + 3)}
    opened: ${when(0.02)}
    merged: ${when(0.03)}
    outcome: incomplete
    note: It hid the symptom for an hour.
    relations:
      - { type: fixes, to: "#${base}" }
  - type: pull
    number: ${base + 4}
    title: ${q(`Revert "Introduce ${cause.library} tuning for ${service}"`)}
    author: ${person()}
    url: ${url('pull', base + 4)}
    opened: ${when(0.03)}
    merged: ${when(0.04)}
    relations:
      - { type: reverts, to: "#${base + 1}" }
  - type: commit
    sha: ${sha}
    title: ${q(`Backport the revert to release-${ctx.badRelease.slice(1, ctx.badRelease.lastIndexOf('.'))}`)}
    author: ${person()}
    url: ${url('commit', sha)}
    committed: ${when(0.05)}
    relations:
      - { type: backport-of, to: "#${base + 4}" }
  - type: pull
    number: ${base + 6}
    title: ${q(`Fix ${cause.what} and add a regression test`)}
    author: ${person()}
    url: ${url('pull', base + 6)}
    opened: ${when(0.3)}
    merged: ${when(1)}
    relations:
      - { type: fixes, to: "#${base}" }
      - { type: supersedes, to: "#${base + 3}" }
      - { type: released-in, to: ${ctx.fixRelease} }
  - type: release
    tag: ${ctx.fixRelease}
    title: ${q(`${service} ${ctx.fixRelease.slice(1)}`)}
    url: ${url('releases/tag', ctx.fixRelease)}
    published: ${when(1.2)}
  - type: issue
    number: ${base + 8}
    title: ${q(`Alert on ${cause.dependency} saturation before errors reach users`)}
    author: ${person()}
    url: ${url('issues', base + 8)}
    opened: ${when(2)}
    state: open
    relations:
      - { type: caused-by, to: "#${base}" }
  - type: advisory
    id: ${cve}
    title: ${q(`${service} could return another request's data under ${cause.what}`)}
    url: https://nvd.nist.gov/vuln/detail/${cve}
    published: ${when(5)}
    severity: moderate
    affected: [${q(`<= ${ctx.badRelease.slice(1)}`)}]
    fixed_in: [${q(ctx.fixRelease.slice(1))}]
    relations:
      - { type: caused-by, to: "#${base + 1}" }
`;
}

function title(ctx: Ctx): string {
  const { service, cause } = ctx;
  const Service = `${service[0]!.toUpperCase()}${service.slice(1)}`;
  return `${Service} errors caused by ${cause.what} (#${ctx.index + 1})`;
}

function indexMdx(ctx: Ctx, m: Moments): string {
  const { r, service, cause, zone, base, index } = ctx;
  const severity = r.pick(['SEV1', 'SEV2', 'SEV2', 'SEV3', 'SEV3', 'SEV3', 'SEV4']);
  const status = index % 5 === 0 ? 'resolved' : 'postmortem';
  const tags = [cause.tag, ...r.some(TAGS, 2)];
  const authors = r.some(PEOPLE, r.int(1, 2));
  const share = r.int(2, 40);
  const timeout = r.int(50, 900);
  const retries = r.int(2, 6);
  const workers = r.int(4, 64);
  const Service = `${service[0]!.toUpperCase()}${service.slice(1)}`;
  // Both diagrams carry the incident's number and values, so no two incidents share a cache entry.
  const sequence = `sequenceDiagram
    participant C as Client
    participant S as ${Service} (incident ${index + 1})
    participant D as ${cause.dependency}
    C->>S: POST /v1/${service} (request ${base})
    S->>D: query, timeout ${timeout} ms
    D-->>S: no reply within ${timeout} ms
    loop ${retries} retries
        S->>D: retry
    end
    S-->>C: 503 after ${retries * timeout} ms`;
  const flow = `flowchart LR
    deploy["${ctx.badRelease} deployed"] --> cause["${cause.what}"]
    cause --> symptom["${workers} workers blocked"]
    symptom --> errors["${share} percent of requests fail"]
    errors --> page["on-call paged"]
    page --> revert["revert #${base + 4}"]
    revert --> fix["fix #${base + 6} in ${ctx.fixRelease}"]`;
  const para = (...sentences: string[]) => sentences.join(' ');
  return `---
title: ${q(title(ctx))}
summary: >-
  A release of the ${service} service introduced ${cause.what}. For about two hours ${cause.symptom},
  and roughly ${share}% of requests to the ${service} API failed or timed out. A revert stopped the errors;
  a proper fix with a regression test shipped the next day in ${ctx.fixRelease}.
impact: ${q(`About ${share}% of ${service} API requests failed for roughly two hours`)}
severity: ${severity}
status: ${status}
started: ${m.started}
detected: ${m.detected}
mitigated: ${m.mitigated}
resolved: ${m.resolved}
timezone: ${zone}
components: [${q(`${Service} API`)}, ${q(cause.dependency)}]
tags: [${tags.join(', ')}]
authors:
${authors.map((a) => `  - ${q(a)}`).join('\n')}
sources:
  - url: https://blog.example.com/postmortems/${service}-${index}
    title: ${q(`Postmortem: ${title(ctx)}`)}
    publisher: Example engineering blog
    kind: postmortem
  - url: https://status.example.com/incidents/${service}-${index}
    title: ${q(`Elevated errors on the ${service} API`)}
    publisher: Example status page
    kind: status-page
  - url: https://github.com/${ctx.repo}/issues/${base}
    title: ${q(`${service}: ${cause.symptom}`)}
    publisher: ${ctx.repo} on GitHub
    kind: code
draft: false
---

## What happened

${para(
  `Release ${ctx.badRelease} of the ${service} service went out through the usual pipeline.`,
  `It changed how ${service} talks to ${cause.dependency}, and under production load that change turned into ${cause.what}.`,
  `Within minutes ${cause.symptom}, and about ${share}% of requests to the API failed.`,
  `The problem was first reported in <Ref to="#${base}" />.`,
)}

${para(
  `The on-call engineer was paged by the error-budget alert, not by a customer, which is what the alert is for.`,
  `The first hour went to ruling out the network and the load balancers, because the dashboards for ${cause.dependency} sat in another team's folder.`,
)}

\`\`\`mermaid
${sequence}
\`\`\`

## Who was affected, and how

${para(
  `Every client of the ${service} API could be affected; in practice, the ${workers} busiest tenants saw most of the errors because their requests were the most likely to land on a saturated worker.`,
  `No data was lost: failed requests were retried by the clients that retry, and replayed by hand for the others.`,
)}

- Requests that failed returned HTTP 503 after ${retries * timeout} ms.
- Background jobs that depend on ${service} were delayed, not dropped.
- The status page reflected the incident ${r.int(5, 20)} minutes after the first alert.

## Root cause

${para(
  `The release set a ${timeout} ms timeout on calls to ${cause.dependency} and retried ${retries} times without backoff.`,
  `When ${cause.dependency} slowed down, each caller held its worker for up to ${retries * timeout} ms, and the pool of ${workers} workers ran dry.`,
)}

\`\`\`python
import time

TIMEOUT_MS = ${timeout}
RETRIES = ${retries}


def call_with_retries(client, request):
    """What ${ctx.badRelease} did: retry at once, never give the dependency room to recover."""
    for attempt in range(RETRIES):
        started = time.monotonic()
        try:
            return client.query(request, timeout=TIMEOUT_MS / 1000)
        except TimeoutError:
            elapsed = (time.monotonic() - started) * 1000
            print(f"attempt {attempt} timed out after {elapsed:.0f} ms")
    raise RuntimeError("${service}: dependency unavailable")
\`\`\`

\`\`\`mermaid
${flow}
\`\`\`

## The fix

${para(
  `The revert, <Ref to="#${base + 4}" />, stopped the errors. The first attempt at a fix only raised the timeout and hid the problem for an hour.`,
  `The lasting fix, <Ref to="#${base + 6}" />, adds jittered backoff and a cap on in-flight calls per worker, and ships in ${ctx.fixRelease}.`,
)}

\`\`\`diff
 async function callDependency(request: Request): Promise<Response> {
-  for (let attempt = 0; attempt < ${retries}; attempt++) {
-    try { return await client.query(request, { timeoutMs: ${timeout} }); } catch {}
-  }
+  return limiter.run(() =>
+    retry(() => client.query(request, { timeoutMs: ${timeout} }), { attempts: ${retries}, backoff: 'jitter' }),
+  );
 }
\`\`\`

\`\`\`ts
export const limiter = new Semaphore(${workers});

export async function retry<T>(op: () => Promise<T>, { attempts, backoff }: RetryOptions): Promise<T> {
  let lastError: unknown;
  for (let attempt = 0; attempt < attempts; attempt++) {
    try {
      return await op();
    } catch (error) {
      lastError = error;
      if (backoff === 'jitter') await sleep(Math.random() * 2 ** attempt * 100);
    }
  }
  throw lastError;
}
\`\`\`

## What we are changing

1. Alert on ${cause.dependency} saturation before errors reach users.
2. Load-test retry settings before they ship.
3. Move the ${cause.dependency} dashboards next to ${service}'s own.
`;
}

function reproYaml(ctx: Ctx): string {
  const { cause, service } = ctx;
  return `title: ${q(`${cause.what} in ${service}, swept over concurrency`)}
description: >-
  Starts CONCURRENCY clients against a slow dependency and counts the requests that fail or come
  back with another request's reply. The fixed release must show neither.
runtime: python
entry: repro.py
package:
  name: ${cause.library}
  versions: [installed, ${q(ctx.badRelease.slice(1))}, ${q(ctx.fixRelease.slice(1))}]
parameters:
  CONCURRENCY: [1, 8, 64]
services: [redis]
timeout_s: 60
expect:
  reproduced: "^FAIL:"
  not_reproduced: "^OK:"
  by_version:
    ${q(ctx.badRelease.slice(1))}: reproduced
    ${q(ctx.fixRelease.slice(1))}: not-reproduced
`;
}

function reproSnippet(ctx: Ctx): string {
  return `"""Repro for incident ${ctx.index + 1}: ${ctx.cause.what}."""
import asyncio
import os

CONCURRENCY = int(os.environ.get("CONCURRENCY", "8"))


async def one(i: int) -> bool:
    await asyncio.sleep(0.001 * (i % 5))
    return i % 7 != 3


async def main() -> None:
    results = await asyncio.gather(*(one(i) for i in range(CONCURRENCY)))
    failed = results.count(False)
    print(f"FAIL: {failed} of {CONCURRENCY}" if failed else f"OK: {CONCURRENCY} requests")


asyncio.run(main())
`;
}

export const TOUCH_NOTE = 'Note over C,S: edited by the benchmark';

/**
 * The "touch" edit: adds a note to the first Mermaid diagram of an incident's index.mdx, the
 * smallest change that makes exactly one diagram a new cache entry. Throws if there is none.
 */
export function touchFirstDiagram(mdx: string, note = TOUCH_NOTE): string {
  const open = mdx.indexOf('```mermaid\n');
  if (open < 0) throw new Error('no Mermaid diagram to edit');
  const close = mdx.indexOf('\n```', open + 11);
  if (close < 0) throw new Error('the first Mermaid diagram is not closed');
  return `${mdx.slice(0, close)}\n    ${note}${mdx.slice(close)}`;
}
