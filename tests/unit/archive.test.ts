/**
 * readArchive on small incident folders: each bad input must come back as one problem that
 * names the file, the line, the field, and what to do. The base incident below is valid; each
 * case changes one thing in it.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readArchive } from '../../src/archive/archive.ts';
import { recordedMatrix } from '../../src/domain/version-matrix.ts';
import { checkDiagrams } from '../../src/view/incident-view.ts';
import type { ContentProblem } from '../../src/schemas/problems.ts';
import { siteRuntime, siteService } from '../../src/schemas/repro.ts';

const SLUG = '2024-06-02-queue-backlog';
const DIR = `content/incidents/${SLUG}`;
const INDEX = `${DIR}/index.mdx`;
const TIMELINE = `${DIR}/timeline.yaml`;
const HISTORY = `${DIR}/history.yaml`;

// Line numbers in the comments are the ones the assertions below rely on.
const VALID_INDEX = `---
title: Queue backlog delays orders
summary: A consumer stopped acknowledging messages, so orders queued for two hours.
impact: Orders delayed by up to two hours
severity: SEV2
status: resolved
started: "2024-06-02T09:15:00+02:00"
detected: "2024-06-02T09:40:00+02:00"
mitigated: unknown
resolved: "2024-06-02T11:30:00+02:00"
timezone: Europe/Berlin
tags: [queue, kafka]
authors:
  - Jo Doe
sources:
  - url: https://example.com/postmortem
    title: Postmortem
    publisher: Example Inc.
    kind: postmortem
---

## What happened

The consumer fell behind after a deploy; the fix was <Ref to="#12" />.

\`\`\`mermaid
flowchart LR
    Producer --> Queue --> Consumer
\`\`\`
`;
// line 1: ---, 2: title, 3: summary, 4: impact, 5: severity, 7: started, 8: detected,
// 11: timezone, 12: tags, 16: sources[0].url, 20: ---, 21: body starts, 24: <Ref>, 26: fence.

const VALID_TIMELINE = `- at: "2024-06-02T09:15:00+02:00"
  kind: trigger
  title: A deploy changes the consumer's acknowledgement mode
  source: https://example.com/postmortem
  confidence: verified
  refs: ["#12"]
- at: "2024-06-02T11:30:00+02:00"
  kind: resolved
  title: The backlog is drained
  source: https://example.com/postmortem
  confidence: verified
`;

const VALID_HISTORY = `repository: acme/queue
items:
  - type: pull
    number: 12
    title: Acknowledge after processing
    merged: "2024-06-03"
    relations:
      - type: fixes
        to: "#11"
  - type: issue
    number: 11
    title: Messages lost on consumer restart
`;

const VALID_REPRO = `title: Lost acknowledgements
runtime: python
entry: main.py
expect:
  reproduced: LOST
  not_reproduced: OK
`;

/** Replaces `from` in `text`, failing loudly when the fixture no longer contains it. */
function edit(text: string, from: string, to: string): string {
  if (!text.includes(from)) throw new Error(`fixture does not contain ${JSON.stringify(from)}`);
  return text.replace(from, to);
}
const index = (from: string, to: string) => edit(VALID_INDEX, from, to);
const timeline = (from: string, to: string) => edit(VALID_TIMELINE, from, to);
const history = (from: string, to: string) => edit(VALID_HISTORY, from, to);

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'aftermath-archive-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

/**
 * Writes a valid incident into the temp root. `files` overrides or adds files by their path in
 * the incident folder (e.g. `repros/a/repro.yaml`); `null` leaves a file out.
 */
function writeIncident(files: Record<string, string | null> = {}, slug = SLUG): void {
  const all = { 'index.mdx': VALID_INDEX, 'timeline.yaml': VALID_TIMELINE, 'history.yaml': VALID_HISTORY, ...files };
  const dir = join(root, 'content/incidents', slug);
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(all)) {
    if (text === null) continue;
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
}

/** The one problem the incident as it is now on disk has; any other problem fails the test with the full list. */
function onlyProblemNow(): ContentProblem {
  const { problems, incidents } = readArchive(root);
  expect(problems).toHaveLength(1);
  expect(incidents).toEqual([]);
  return problems[0]!;
}

/** The one problem `files` causes; any other problem fails the test with the full list. */
function onlyProblem(files: Record<string, string | null>): ContentProblem {
  writeIncident(files);
  const { problems, incidents } = readArchive(root);
  expect(problems).toHaveLength(1);
  // An incident with problems is never handed to the site.
  expect(incidents).toEqual([]);
  return problems[0]!;
}

describe('a valid archive', () => {
  it('has no problems and parses every file', () => {
    writeIncident({ 'repros/lost-ack/repro.yaml': VALID_REPRO, 'repros/lost-ack/main.py': 'print("OK")\n' });
    const { problems, incidents } = readArchive(root);
    expect(problems).toEqual([]);
    expect(incidents).toHaveLength(1);
    const [incident] = incidents;
    expect(incident!.slug).toBe(SLUG);
    expect(incident!.dir).toBe(DIR);
    expect(incident!.file).toBe(INDEX);
    expect(incident!.bodyLine).toBe(21);
    expect(incident!.frontmatter.title).toBe('Queue backlog delays orders');
    expect(incident!.frontmatter.started?.ms).toBe(Date.UTC(2024, 5, 2, 7, 15));
    expect(incident!.frontmatter.detected?.ms).toBe(Date.UTC(2024, 5, 2, 7, 40));
    expect(incident!.frontmatter.mitigated).toBeNull();
    expect(incident!.frontmatter.draft).toBe(false);
    expect(incident!.frontmatter.tags).toEqual(['queue', 'kafka']);
    expect(incident!.timeline.map((e) => [e.kind, e.at.ms, e.at.precision])).toEqual([
      ['trigger', Date.UTC(2024, 5, 2, 7, 15), 'exact'],
      ['resolved', Date.UTC(2024, 5, 2, 9, 30), 'exact'],
    ]);
    expect(incident!.history.repository).toBe('acme/queue');
    expect(incident!.history.items.map((i) => i.type)).toEqual(['pull', 'issue']);
    expect(incident!.diagrams).toEqual([{ value: 'flowchart LR\n    Producer --> Queue --> Consumer', line: 26 }]);
    expect(incident!.repros).toEqual([
      {
        id: 'lost-ack',
        dir: `${DIR}/repros/lost-ack`,
        manifest: expect.objectContaining({ runtime: 'python', timeout_s: 60 }),
        source: 'print("OK")\n',
        results: undefined,
        stale: false,
        regressions: [],
      },
    ]);
  });

  it('needs neither timeline.yaml nor history.yaml when nothing refers to them', () => {
    writeIncident({
      'index.mdx': index('the fix was <Ref to="#12" />', 'the fix was a config change'),
      'timeline.yaml': null,
      'history.yaml': null,
    });
    const { problems, incidents } = readArchive(root);
    expect(problems).toEqual([]);
    expect(incidents[0]!.timeline).toEqual([]);
    expect(incidents[0]!.history).toEqual({ items: [] });
  });

  it('skips folders starting with . or _ and loose files', () => {
    writeIncident();
    mkdirSync(join(root, 'content/incidents/_drafts'));
    mkdirSync(join(root, 'content/incidents/.cache'));
    writeFileSync(join(root, 'content/incidents/README.md'), '# notes\n');
    const { problems, incidents } = readArchive(root);
    expect(problems).toEqual([]);
    expect(incidents.map((i) => i.slug)).toEqual([SLUG]);
  });

  it('includes the bundled flagship incident, valid', () => {
    const { problems, incidents } = readArchive(resolve(import.meta.dirname, '../..'));
    expect(problems).toEqual([]);
    const chatgpt = incidents.find((i) => i.slug === '2023-03-20-chatgpt-redis-py');
    expect(chatgpt?.frontmatter.started?.ms).toBe(Date.UTC(2023, 2, 20, 8));
    expect(chatgpt?.frontmatter.timezone).toBe('America/Los_Angeles');
  });

  it("keeps a range repro's manifest as repro.yaml says; its page's matrix is what its recording listed", () => {
    const { incidents } = readArchive(resolve(import.meta.dirname, '../..'));
    const repro = incidents
      .find((i) => i.slug === '2023-03-20-chatgpt-redis-py')!
      .repros.find((r) => r.id === 'cancel-race-proxy')!;
    expect(repro.manifest.package).toMatchObject({ versions: [], range: '>=4.2.0,<=4.5.5' });
    const listed = repro.results!.versionRange!.versions;
    expect(listed.length).toBeGreaterThan(1);
    expect(recordedMatrix(repro).package!.versions).toEqual(listed);
    // A range edited since the recording: its old listing no longer speaks for it.
    const edited = { ...repro.manifest, package: { ...repro.manifest.package!, range: '>=4.5.0' } };
    expect(recordedMatrix({ ...repro, manifest: edited }).package!.versions).toEqual([]);
    expect(repro.manifest.package!.versions).toEqual([]);
  });
});

describe('frontmatter problems', () => {
  it('a missing title, reported at the start of the frontmatter', () => {
    expect(onlyProblem({ 'index.mdx': index('title: Queue backlog delays orders\n', '') })).toEqual({
      file: INDEX,
      line: 2,
      field: 'title',
      message: 'expected a title as text; the field is missing',
    });
  });

  it('`started` without a UTC offset', () => {
    expect(
      onlyProblem({ 'index.mdx': index('started: "2024-06-02T09:15:00+02:00"', 'started: "2024-06-02T09:15:00"') }),
    ).toEqual({
      file: INDEX,
      line: 7,
      field: 'started',
      message:
        '"2024-06-02T09:15:00" has no UTC offset, so the moment it names is ambiguous. Add "Z" for UTC or the offset in force at that time, e.g. 2023-03-20T01:00:00-07:00',
    });
  });

  it('`started` without an offset and without quotes (YAML must not turn it into a Date)', () => {
    const problem = onlyProblem({
      'index.mdx': index('started: "2024-06-02T09:15:00+02:00"', 'started: 2024-06-02T09:15:00'),
    });
    expect(problem).toMatchObject({ file: INDEX, line: 7, field: 'started' });
    expect(problem.message).toMatch(/^"2024-06-02T09:15:00" has no UTC offset/);
  });

  it('a date-only `started`', () => {
    expect(onlyProblem({ 'index.mdx': index('started: "2024-06-02T09:15:00+02:00"', 'started: 2024-06-02') })).toEqual({
      file: INDEX,
      line: 7,
      field: 'started',
      message:
        '"2024-06-02" is a date without a time. Give a full timestamp with an offset (e.g. 2023-03-20T01:00:00-07:00), or leave the field out if the time is unknown',
    });
  });

  it('a time-zone abbreviation instead of an IANA name', () => {
    expect(onlyProblem({ 'index.mdx': index('timezone: Europe/Berlin', 'timezone: PST') })).toEqual({
      file: INDEX,
      line: 11,
      field: 'timezone',
      message:
        '"PST" is not an IANA time zone. Use a name such as America/Los_Angeles, Europe/Berlin or UTC (abbreviations like PST are ambiguous)',
    });
  });

  it('a severity outside SEV1–SEV4', () => {
    expect(onlyProblem({ 'index.mdx': index('severity: SEV2', 'severity: critical') })).toEqual({
      file: INDEX,
      line: 5,
      field: 'severity',
      message:
        'expected severity to be one of SEV1 (critical), SEV2 (major), SEV3 (minor), SEV4 (none); found "critical"',
    });
  });

  it('a summary of several paragraphs', () => {
    const summary = 'summary: |\n  The consumer stopped.\n\n  Orders queued for two hours.';
    expect(
      onlyProblem({
        'index.mdx': index(
          'summary: A consumer stopped acknowledging messages, so orders queued for two hours.',
          summary,
        ),
      }),
    ).toEqual({
      file: INDEX,
      line: 3,
      field: 'summary',
      message:
        'the summary must be one paragraph (no blank lines); move the rest into the body; found "The consumer stopped.\\n\\nOrders queued for two hours."',
    });
  });

  it('a misspelled field, reported at its own line', () => {
    expect(onlyProblem({ 'index.mdx': index('tags: [queue, kafka]', 'tag: [queue, kafka]') })).toEqual({
      file: INDEX,
      line: 12,
      field: 'tag',
      message: 'unknown field "tag": check the spelling, or remove it',
    });
  });

  it('a misspelled field holding a list, at the key rather than the list below it', () => {
    expect(onlyProblem({ 'index.mdx': index('sources:\n', 'source:\n') })).toEqual({
      file: INDEX,
      line: 15,
      field: 'source',
      message: 'unknown field "source": check the spelling, or remove it',
    });
  });

  it('a source URL without a scheme', () => {
    expect(
      onlyProblem({ 'index.mdx': index('url: https://example.com/postmortem', 'url: example.com/postmortem') }),
    ).toEqual({
      file: INDEX,
      line: 16,
      field: 'sources[0].url',
      message: 'expected an absolute URL starting with https:// or http://; found "example.com/postmortem"',
    });
  });

  it('malformed YAML, at the line of the mistake', () => {
    const problem = onlyProblem({
      'index.mdx': index('impact: Orders delayed by up to two hours', 'impact: Orders: delayed by up to two hours'),
    });
    expect(problem).toEqual({
      file: INDEX,
      line: 4,
      message: expect.stringMatching(
        /^this is not valid YAML: .+\. Check indentation, the colon after each key, and quotes around values that contain ": " or "#"$/,
      ),
    });
  });

  it('a key written twice', () => {
    const problem = onlyProblem({ 'index.mdx': index('status: resolved\n', 'status: resolved\nstatus: monitoring\n') });
    expect(problem).toMatchObject({ file: INDEX, line: 7 });
    expect(problem.message).toContain('Map keys must be unique');
  });

  it('no frontmatter at all', () => {
    expect(onlyProblem({ 'index.mdx': '## What happened\n\nThe consumer fell behind.\n' })).toEqual({
      file: INDEX,
      line: 1,
      message:
        'the file must start with a frontmatter block between two "---" lines (title, summary, severity, …). See docs/content.md',
    });
  });

  it('an empty frontmatter block', () => {
    expect(onlyProblem({ 'index.mdx': '---\n---\n\nThe consumer fell behind.\n' })).toEqual({
      file: INDEX,
      line: 2,
      message:
        'expected the frontmatter to hold fields such as title, summary, severity and timezone; found nothing (the document is empty)',
    });
  });

  it('key moments out of order: detected before started', () => {
    expect(
      onlyProblem({
        'index.mdx': index('detected: "2024-06-02T09:40:00+02:00"', 'detected: "2024-06-02T09:40:00+03:00"'),
      }),
    ).toEqual({
      file: INDEX,
      line: 8,
      field: 'detected',
      message:
        'detected (2024-06-02T09:40:00+03:00) is earlier than started (2024-06-02T09:15:00+02:00). Key moments must go started ≤ detected ≤ mitigated ≤ resolved; check the date and the offset',
    });
  });
});

describe('body problems', () => {
  const EMPTY_BODY =
    'the incident has no body below the frontmatter. Write at least a short account of what happened; an empty page is never published';
  const frontmatterOnly = VALID_INDEX.slice(0, VALID_INDEX.indexOf('---\n\n## What happened') + 4);

  it('an empty body (frontmatter only)', () => {
    expect(onlyProblem({ 'index.mdx': frontmatterOnly, 'history.yaml': null, 'timeline.yaml': null })).toEqual({
      file: INDEX,
      line: 21,
      message: EMPTY_BODY,
    });
  });

  it('a body of imports and comments only', () => {
    const body = '\nimport Ref from "../../../src/components/Ref.astro";\n\n{/* TODO */}\n';
    writeIncident({ 'index.mdx': frontmatterOnly + body, 'history.yaml': null, 'timeline.yaml': null });
    expect(readArchive(root, { allowMdxCode: true }).problems).toEqual([
      { file: INDEX, line: 21, message: EMPTY_BODY },
    ]);
  });

  it('<Ref to> naming a pull request that history.yaml does not list, at the line of the mention', () => {
    expect(onlyProblem({ 'index.mdx': index('<Ref to="#12" />', '<Ref to="#9999" />') })).toEqual({
      file: INDEX,
      line: 24,
      field: '<Ref to>',
      message: `"#9999" is not in ${HISTORY}. Add it there (by hand or with npx aftermath import github), or fix the reference`,
    });
  });

  it('<Ref to> with a typo suggests the keys it resembles', () => {
    const problem = onlyProblem({ 'index.mdx': index('<Ref to="#12" />', '<Ref to="#121" />') });
    expect(problem).toMatchObject({ file: INDEX, line: 24, field: '<Ref to>' });
    expect(problem.message).toMatch(/ \(did you mean "#12"\?\)$/);
  });
});

describe('MDX the page cannot render or the CSP blocks', () => {
  const COMPONENTS =
    'The components are: Fact, Ref, Repro, Verdict, Measure (check the spelling and the capital letter)';

  it('an unknown component, at its line, listing the components that exist', () => {
    expect(
      onlyProblem({ 'index.mdx': index('the fix was <Ref to="#12" />.', 'the fix was <Ref to="#12" />.\n\n<Nope />') }),
    ).toEqual({
      file: INDEX,
      line: 26,
      field: '<Nope />',
      message: `<Nope> is not a component an incident can use. ${COMPONENTS}`,
    });
  });

  it("a site's own component: known by name, its attributes required, listed among the components", () => {
    const mdxComponents = {
      OnCall: { component: 'src/components/OnCall.astro', attributes: { rotation: 'naming the rotation paged' } },
    };
    const body = (use: string) => index('the fix was <Ref to="#12" />.', `the fix was <Ref to="#12" />. ${use}`);
    writeIncident({ 'index.mdx': body('<OnCall rotation="payments" />') });
    expect(readArchive(root, { mdxComponents }).problems).toEqual([]);
    // Without the registration the same story names a component that does not exist.
    expect(readArchive(root).problems).toMatchObject([{ field: '<OnCall rotation="payments" />' }]);
    writeIncident({ 'index.mdx': body('<OnCall /> <Nope />') });
    expect(readArchive(root, { mdxComponents }).problems).toEqual([
      { file: INDEX, line: 24, field: '<OnCall />', message: '<OnCall> needs rotation="…" naming the rotation paged' },
      {
        file: INDEX,
        line: 24,
        field: '<Nope />',
        message:
          '<Nope> is not a component an incident can use. The components are: Fact, Ref, Repro, Verdict, Measure, OnCall (check the spelling and the capital letter)',
      },
    ]);
  });

  it('a <script> element, with the reason', () => {
    expect(
      onlyProblem({ 'index.mdx': index('## What happened', '## What happened\n\n<script>alert(1)</script>') }),
    ).toEqual({
      file: INDEX,
      line: 24,
      field: '<script>',
      message:
        "a <script> element is not allowed in an incident: the site's Content-Security-Policy (script-src 'self') blocks inline scripts, so it would never run. Remove it",
    });
  });

  it('a javascript: link, in Markdown or as an href, with the reason', () => {
    const message =
      "a javascript: link is not allowed in an incident: it would run script in the reader's browser (the site's Content-Security-Policy blocks it, so it would do nothing when clicked). Only https:// and http:// links are published; link to an https:// address instead";
    expect(
      onlyProblem({ 'index.mdx': index('## What happened', '## What happened\n\n[click](javascript:alert(1))') }),
    ).toEqual({ file: INDEX, line: 24, field: 'link', message });
    for (const link of ['<a href="JavaScript:void(0)">x</a>', '<a href="&#106;ava\tscript:x()">x</a>']) {
      rmSync(join(root, 'content'), { recursive: true });
      expect(onlyProblem({ 'index.mdx': index('## What happened', `## What happened\n\n${link}`) })).toEqual({
        file: INDEX,
        line: 24,
        field: '<a href>',
        message,
      });
    }
  });

  it('leaves code and comments alone', () => {
    const body =
      '## What happened\n\n`<Nope />` and `javascript:x` and `{process.env.HOME}`\n\n```html\n<script>x()</script>\n<Nope />\n{process.env.HOME}\n```\n\n{/* <Nope /> */}\n\nWrite to ops@example.com.';
    writeIncident({ 'index.mdx': index('## What happened', body) });
    expect(readArchive(root).problems).toEqual([]);
  });
});

describe('MDX that would run code on the machine that builds the site', () => {
  const after = (text: string) => index('## What happened', `## What happened\n\n${text}`);
  const OPT_IN = /aftermath\(\{ allowMdxCode: true \}\)/;

  it.each([
    [
      'an import of a file',
      'import secret from "/etc/hostname?raw"',
      'import secret from "/etc/hostname?raw"',
      /^import and export run code/,
    ],
    ['an export', 'export const x = 1', 'export const x = 1', /^import and export run code/],
    [
      'an expression reading the environment',
      'Home is {process.env.HOME}.',
      'expression {process.env.HOME}',
      /^\{…\} is JavaScript/,
    ],
    ['a block expression', '{(() => 1)()}', 'expression {(() => 1)()}', /^\{…\} is JavaScript/],
    [
      'an attribute written as code',
      '<Fact k={process.env.X} />',
      '<Fact k={process.env.X} />',
      /^k=\{…\}: an attribute written as an expression/,
    ],
    [
      'a spread attribute',
      '<Ref to="#12" {...process.env} />',
      '<Ref to="#12" {...process.env} />',
      /^\{\.\.\.process\.env\}: an attribute/,
    ],
  ])('%s, located, with what to do instead', (_, text, field, message) => {
    const problem = onlyProblem({ 'index.mdx': after(text) });
    expect(problem).toMatchObject({ file: INDEX, line: 24, field });
    expect(problem.message).toMatch(message);
    expect(problem.message).toMatch(OPT_IN);
  });

  it('accepts literal attributes: text, numbers, and lists or mappings of them', () => {
    writeIncident({
      'index.mdx': after(
        '<Ref to="#12" /> <details open><summary>More</summary>x</details>\n\n<Ref to={"#12"} n={-4} x={{ a: [1, "b"], c: true }} />',
      ),
    });
    expect(readArchive(root).problems).toEqual([]);
  });

  it('an event-handler attribute, even with text', () => {
    expect(onlyProblem({ 'index.mdx': after('<span onclick="alert(1)">x</span>') })).toMatchObject({
      field: '<span onclick="alert(1)">',
      message: expect.stringMatching(/^an event-handler attribute/),
    });
  });

  it('a component without the attribute it needs', () => {
    expect(onlyProblem({ 'index.mdx': after('See <Fact />.') })).toMatchObject({
      line: 24,
      field: '<Fact />',
      message: '<Fact> needs k="…" naming a fact in facts.yaml',
    });
  });

  it('an image from outside the incident folder, or missing from it', () => {
    expect(onlyProblem({ 'index.mdx': after('![x](../other/secret.png)') })).toMatchObject({
      field: 'image',
      message: expect.stringMatching(/^the image \.\.\/other\/secret\.png is outside this incident's folder/),
    });
    rmSync(join(root, 'content'), { recursive: true });
    expect(onlyProblem({ 'index.mdx': after('![x](./gone.png)') })).toMatchObject({
      message: expect.stringMatching(/^the image \.\/gone\.png is not in this incident's folder/),
    });
    rmSync(join(root, 'content'), { recursive: true });
    writeIncident({ 'index.mdx': after('![x](./here.png)'), 'here.png': 'png' });
    expect(readArchive(root).problems).toEqual([]);
  });

  it('MDX that does not parse, at its line, saying how to write the character itself', () => {
    expect(onlyProblem({ 'index.mdx': after('Latency went from {300 to 900 ms.') })).toMatchObject({
      line: 24,
      field: 'MDX',
      message: expect.stringMatching(
        /^MDX cannot read this: .*write \\< and \\\{ where you mean the characters themselves$/,
      ),
    });
  });

  it('allows code when the site opts in, and imported names are components then', () => {
    writeIncident({ 'index.mdx': after('import Chart from "./chart.astro";\n\n<Chart n={count} /> {1 + 1}') });
    // Without the option: the import, the expression, the attribute, and Chart (imported by code that may not run).
    expect(readArchive(root).problems.map((p) => p.field)).toEqual([
      'import Chart from "./chart.astro";',
      'expression {1 + 1}',
      '<Chart n={count} />',
      '<Chart n={count} />',
    ]);
    expect(readArchive(root, { allowMdxCode: true }).problems).toEqual([]);
  });
});

describe('MDX, other rules', () => {
  it('hands the MDX every registered component, and no list of its own', () => {
    const page = readFileSync(resolve(import.meta.dirname, '../../src/routes/editions/IncidentPage.astro'), 'utf8');
    expect(page).toContain("import mdxComponents from 'virtual:aftermath/mdx-components';");
    expect(page).toContain('<Content components={mdxComponents} />');
  });
});

describe("a site's own services", () => {
  const services = {
    'session-cache': siteService.parse({
      command: 'redis-server',
      args: ['--port', '{port}'],
      env: { CACHE_PORT: '{port}' },
    }),
  };
  const REPRO_FILE = `content/incidents/${SLUG}/repros/a/repro.yaml`;

  it('are listed by name and reach the runner as their whole declaration; an undeclared name says what exists', () => {
    writeIncident({
      'repros/a/repro.yaml': `${VALID_REPRO}services: [session-cache]\n`,
      'repros/a/main.py': 'print(1)\n',
    });
    const { problems, incidents } = readArchive(root, { services });
    expect(problems).toEqual([]);
    expect(incidents[0]!.repros[0]!.manifest.services).toEqual([
      { name: 'session-cache', ...services['session-cache'] },
    ]);
    expect(readArchive(root).problems).toEqual([
      {
        file: REPRO_FILE,
        line: 7,
        field: 'services[0]',
        message:
          'expected a built-in service (redis, redis-cluster, latency-proxy), one the site declares in its config (aftermath({ services })), or a service declared here by command (a mapping with name and command); found "session-cache"',
      },
    ]);
  });

  it("are checked with the repro's other services (two that set the same variable)", () => {
    const repro = `${VALID_REPRO}services:\n  - session-cache\n  - name: other\n    command: redis-server\n    env: { CACHE_PORT: "{port}" }\n`;
    writeIncident({ 'repros/a/repro.yaml': repro, 'repros/a/main.py': 'print(1)\n' });
    expect(readArchive(root, { services }).problems).toMatchObject([
      { file: REPRO_FILE, field: 'services[1].env.CACHE_PORT', message: expect.stringContaining('session-cache') },
    ]);
  });
});

describe("a site's own runtimes", () => {
  const runtimes = { perl: siteRuntime.parse({ label: 'Perl', command: 'perl', versionArgs: ['-e', 'print $^V'] }) };
  const REPRO_FILE = `content/incidents/${SLUG}/repros/a/repro.yaml`;
  const perlRepro = VALID_REPRO.replace('runtime: python', 'runtime: perl').replace('main.py', 'main.pl');

  it('are known by name and travel with the manifest; an undeclared one lists those there are', () => {
    writeIncident({ 'repros/a/repro.yaml': perlRepro, 'repros/a/main.pl': 'print "OK\\n";\n' });
    const { problems, incidents } = readArchive(root, { runtimes });
    expect(problems).toEqual([]);
    expect(incidents[0]!.repros[0]!.manifest).toMatchObject({ runtime: 'perl', siteRuntime: runtimes.perl });
    expect(readArchive(root).problems).toEqual([
      {
        file: REPRO_FILE,
        line: 2,
        field: 'runtime',
        message: 'expected runtime to be one of: python, node; found "perl"',
      },
    ]);
  });

  it('run the interpreter as it is: a package version to install is a located problem', () => {
    const pinned = `${perlRepro}package:\n  name: JSON\n  versions: ["4.10"]\n`;
    writeIncident({ 'repros/a/repro.yaml': pinned, 'repros/a/main.pl': 'print "OK\\n";\n' });
    expect(readArchive(root, { runtimes }).problems).toEqual([
      {
        file: REPRO_FILE,
        line: 9,
        field: 'package.versions[0]',
        message:
          'the site\'s runtime "perl" runs its interpreter as it is and installs no package versions: list versions: [installed], or leave package out; found "4.10"',
      },
    ]);
  });
});

describe('read to record', () => {
  it('a <Verdict> citing a repro not recorded yet leaves its incident out of the site, not out of the runner', () => {
    const body = index('the fix was <Ref to="#12" />.', 'the fix was <Ref to="#12" />. <Verdict repro="a" />');
    writeIncident({ 'index.mdx': body, 'repros/a/repro.yaml': VALID_REPRO, 'repros/a/main.py': 'print(1)\n' });
    expect(readArchive(root).problems).toMatchObject([{ field: '<Verdict repro="a" />' }]);
    const forRunner = readArchive(root, { recording: true });
    expect(forRunner.problems).toEqual([]);
    expect(forRunner.incidents[0]!.repros.map((r) => r.id)).toEqual(['a']);
  });
});

describe('timeline.yaml problems', () => {
  it('an `at` without an offset, suggesting precision: day', () => {
    expect(
      onlyProblem({ 'timeline.yaml': timeline('at: "2024-06-02T11:30:00+02:00"', 'at: "2024-06-02T11:30"') }),
    ).toEqual({
      file: TIMELINE,
      line: 7,
      field: '[1].at',
      message:
        '"2024-06-02T11:30" has no UTC offset, so the moment it names is ambiguous. Add "Z" for UTC or the offset in force at that time, e.g. 2023-03-20T01:00:00-07:00 (if only the day is known, add precision: day)',
    });
  });

  it('a date-only `at` is refused without precision: day', () => {
    expect(onlyProblem({ 'timeline.yaml': timeline('at: "2024-06-02T11:30:00+02:00"', 'at: "2024-06-02"') })).toEqual({
      file: TIMELINE,
      line: 7,
      field: '[1].at',
      message:
        '"2024-06-02" is a date without a time. If only the day is known, add precision: day to this entry; otherwise give a full timestamp with an offset, like 2023-03-20T01:00:00-07:00',
    });
  });

  it('… and accepted with precision: day', () => {
    writeIncident({
      'timeline.yaml': timeline('at: "2024-06-02T11:30:00+02:00"', 'at: "2024-06-02"\n  precision: day'),
    });
    const { problems, incidents } = readArchive(root);
    expect(problems).toEqual([]);
    expect(incidents[0]!.timeline[1]!.at).toEqual({ iso: '2024-06-02', ms: Date.UTC(2024, 5, 2), precision: 'day' });
  });

  it('an unknown kind', () => {
    expect(onlyProblem({ 'timeline.yaml': timeline('kind: trigger', 'kind: outage') })).toEqual({
      file: TIMELINE,
      line: 2,
      field: '[0].kind',
      message:
        'expected kind to be one of: investigating, identified, monitoring, update, resolved, postmortem, trigger, impact-start, impact-end, detected, mitigated, deploy, communication, note; found "outage"',
    });
  });

  it('a source that is not a URL', () => {
    expect(
      onlyProblem({
        'timeline.yaml': timeline(
          '  source: https://example.com/postmortem\n  confidence: verified\n  refs',
          '  source: the postmortem\n  confidence: verified\n  refs',
        ),
      }),
    ).toEqual({
      file: TIMELINE,
      line: 4,
      field: '[0].source',
      message: 'expected an absolute URL starting with https:// or http://; found "the postmortem"',
    });
  });

  it('malformed YAML: one problem at the mis-indented line, not one per line after it', () => {
    const problem = onlyProblem({
      'timeline.yaml': timeline(
        "  title: A deploy changes the consumer's acknowledgement mode",
        " title: A deploy changes the consumer's acknowledgement mode",
      ),
    });
    expect(problem).toEqual({ file: TIMELINE, line: 3, message: expect.stringMatching(/^this is not valid YAML: /) });
  });

  it('a mapping instead of a list', () => {
    expect(
      onlyProblem({
        'timeline.yaml': 'at: "2024-06-02T09:15:00+02:00"\nkind: trigger\n',
        'index.mdx': index('<Ref to="#12" />', 'a fix'),
      }),
    ).toEqual({
      file: TIMELINE,
      line: 1,
      message: 'expected timeline.yaml to be a list of entries, each starting with "- at:"; found a mapping',
    });
  });

  it('an empty file', () => {
    expect(onlyProblem({ 'timeline.yaml': '# nothing yet\n' })).toEqual({
      file: TIMELINE,
      line: 1,
      message:
        'expected timeline.yaml to be a list of entries, each starting with "- at:"; found nothing (the document is empty)',
    });
  });

  it('refs naming an item history.yaml does not list, at the line of the ref', () => {
    expect(onlyProblem({ 'timeline.yaml': timeline('refs: ["#12"]', 'refs:\n    - "#12"\n    - "#40"') })).toEqual({
      file: TIMELINE,
      line: 8,
      field: '[0].refs[1]',
      message: `"#40" is not in ${HISTORY}. Add it there (by hand or with npx aftermath import github), or fix the reference`,
    });
  });
});

describe('history.yaml problems', () => {
  it('a relation pointing to an item that is not listed', () => {
    expect(onlyProblem({ 'history.yaml': history('to: "#11"', 'to: "#10"') })).toEqual({
      file: HISTORY,
      line: 9,
      field: 'items[0].relations[0].to',
      message: `"#10" is not in ${HISTORY}. Add it there (by hand or with npx aftermath import github), or fix the reference`,
    });
  });

  it('the same item listed twice', () => {
    expect(
      onlyProblem({ 'history.yaml': `${VALID_HISTORY}  - type: issue\n    number: 11\n    title: Same issue again\n` }),
    ).toEqual({
      file: HISTORY,
      line: 13,
      field: 'items[2]',
      message: '"#11" is listed twice (also items[1]). Merge the two entries',
    });
  });

  it('an unknown item type names the type found, and references are not all reported as dangling', () => {
    expect(onlyProblem({ 'history.yaml': history('  - type: issue', '  - type: bug') })).toEqual({
      file: HISTORY,
      line: 10,
      field: 'items[1].type',
      message: 'expected type to be one of: issue, pull, commit, release, advisory; found "bug"',
    });
  });

  it('malformed YAML is one problem, not one per reference into it', () => {
    const problem = onlyProblem({ 'history.yaml': history('items:\n', 'items\n') });
    expect(problem).toMatchObject({
      file: HISTORY,
      line: expect.any(Number),
      message: expect.stringMatching(/^this is not valid YAML/),
    });
  });
});

describe('repro problems', () => {
  it('an entry file that does not exist', () => {
    expect(onlyProblem({ 'repros/lost-ack/repro.yaml': VALID_REPRO })).toEqual({
      file: `${DIR}/repros/lost-ack/repro.yaml`,
      line: 3,
      field: 'entry',
      message: `the entry file "main.py" does not exist in ${DIR}/repros/lost-ack`,
    });
  });

  it('an entry file outside the repro folder', () => {
    expect(
      onlyProblem({
        'repros/lost-ack/repro.yaml': edit(VALID_REPRO, 'entry: main.py', 'entry: ../../common/main.py'),
        'common/main.py': '',
      }),
    ).toEqual({
      file: `${DIR}/repros/lost-ack/repro.yaml`,
      line: 3,
      field: 'entry',
      message: expect.stringMatching(
        /^the entry file must be inside the repro folder .*; found "\.\.\/\.\.\/common\/main\.py"$/,
      ),
    });
  });

  it('an unsupported runtime', () => {
    expect(
      onlyProblem({
        'repros/lost-ack/repro.yaml': edit(VALID_REPRO, 'runtime: python', 'runtime: ruby'),
        'repros/lost-ack/main.py': '',
      }),
    ).toEqual({
      file: `${DIR}/repros/lost-ack/repro.yaml`,
      line: 2,
      field: 'runtime',
      message: 'expected runtime to be one of: python, node; found "ruby"',
    });
  });

  it('a parameter name that is not an environment variable name, at its key', () => {
    const repro = `${VALID_REPRO}parameters:\n  sleep_ms: [10, 100]\n`;
    expect(onlyProblem({ 'repros/lost-ack/repro.yaml': repro, 'repros/lost-ack/main.py': '' })).toEqual({
      file: `${DIR}/repros/lost-ack/repro.yaml`,
      line: 8,
      field: 'parameters.sleep_ms',
      message: 'parameter names are environment variable names, e.g. SLEEP; found "sleep_ms"',
    });
  });

  it('a repro folder without repro.yaml', () => {
    expect(onlyProblem({ 'repros/lost-ack/main.py': '' })).toEqual({
      file: `${DIR}/repros/lost-ack`,
      message: 'this repro folder has no repro.yaml describing how to run it',
    });
  });
});

describe('archive-level problems', () => {
  it('a folder without index.mdx', () => {
    expect(onlyProblem({ 'index.mdx': null })).toEqual({
      file: DIR,
      message:
        'this incident folder has no index.mdx. Add one, or scaffold a new incident with: npx aftermath new "Title"',
    });
  });

  it('two incidents with the same slug, reported at the `slug:` that collides', () => {
    writeIncident();
    writeIncident(
      { 'index.mdx': index('tags: [queue, kafka]', `tags: [queue]\nslug: ${SLUG}`) },
      '2024-06-05-queue-backlog-again',
    );
    const { problems, incidents } = readArchive(root);
    expect(problems).toEqual([
      {
        file: 'content/incidents/2024-06-05-queue-backlog-again/index.mdx',
        line: 13,
        field: 'slug',
        message: `the slug "${SLUG}" is already used by ${INDEX}; both would be published at /incidents/${SLUG}/. Rename one folder or change its slug`,
      },
    ]);
    expect(incidents.map((i) => i.slug)).toEqual([SLUG, SLUG]);
  });

  it('a missing incidents folder', () => {
    expect(readArchive(root)).toEqual({
      incidents: [],
      problems: [
        {
          file: 'content/incidents',
          message: 'the incidents folder does not exist. Create the first incident with: npx aftermath new "Title"',
        },
      ],
    });
  });

  it('reads another incidents folder when told to', () => {
    writeIncident();
    expect(readArchive(root, { incidents: 'elsewhere' }).problems[0]!.file).toBe('elsewhere');
    expect(readArchive(root, { incidents: 'content/incidents' }).incidents).toHaveLength(1);
  });

  it('reports the problems of every incident in one pass', () => {
    writeIncident({ 'index.mdx': index('severity: SEV2', 'severity: SEV9') });
    writeIncident({ 'index.mdx': index('timezone: Europe/Berlin', 'timezone: CEST') }, '2024-07-01-other');
    const { problems } = readArchive(root);
    expect(problems.map((p) => [p.file, p.line, p.field])).toEqual([
      [INDEX, 5, 'severity'],
      ['content/incidents/2024-07-01-other/index.mdx', 11, 'timezone'],
    ]);
  });
});

describe('checkDiagrams (real Mermaid in Chromium)', () => {
  it('reports a broken diagram at its bad line in the file, also below a diagram front-matter block', async () => {
    const body =
      index('Producer --> Queue --> Consumer', 'Producer --> --> ((Queue') +
      '\n```mermaid\n---\ntitle: Recovery\n---\nflowchart LR\n    Fix --> Drain\n    Drain --> --> Done\n```\n';
    // Lines: 26 fence, 28 the broken edge; 31 second fence, 32–34 its front matter, 37 the broken edge.
    writeIncident({ 'index.mdx': body });
    const { problems, incidents } = readArchive(root);
    expect(problems).toEqual([]);
    expect(incidents[0]!.diagrams.map((d) => d.line)).toEqual([26, 31]);

    const result = await checkDiagrams(incidents);
    // The two fences, and the fix graph drawn from the history the helper writes.
    expect(result.count).toBe(3);
    expect(result.problems).toEqual([
      {
        file: INDEX,
        line: 28,
        field: 'mermaid diagram',
        message: expect.stringMatching(
          /^Mermaid cannot parse line 2 of this diagram \(Expecting .+; got '.+'\)\. Check the syntax at https:\/\/mermaid\.js\.org/,
        ),
      },
      {
        file: INDEX,
        line: 37,
        field: 'mermaid diagram',
        message: expect.stringMatching(/^Mermaid cannot parse line 6 of this diagram /),
      },
    ]);
  }, 60_000);

  it('renders nothing and reports nothing without diagrams', async () => {
    expect(await checkDiagrams([])).toEqual({ problems: [], count: 0 });
  });
});

describe('nothing outside the incident folder is read', () => {
  const SECRET = 'SECRET-FROM-OUTSIDE';
  /** A file beside the incidents folder, as ~/.npmrc or /etc/passwd would be. */
  const outside = () => {
    mkdirSync(join(root, 'elsewhere/dir'), { recursive: true });
    writeFileSync(join(root, 'elsewhere/secret.py'), `print("${SECRET}")\n`);
    writeFileSync(join(root, 'elsewhere/dir/main.py'), `print("${SECRET}")\n`);
    return join(root, 'elsewhere');
  };
  const everything = (archive: ReturnType<typeof readArchive>) => JSON.stringify(archive);

  it('a snippet that is a link to a file outside, naming the link and its target', () => {
    const dir = outside();
    writeIncident({ 'repros/a/repro.yaml': VALID_REPRO });
    symlinkSync(join(dir, 'secret.py'), join(root, DIR, 'repros/a/main.py'));
    const archive = readArchive(root);
    expect(archive.problems).toEqual([
      {
        file: `${DIR}/repros/a/main.py`,
        field: `link to ${join(dir, 'secret.py')}`,
        message: expect.stringMatching(
          /^this is a link to .*elsewhere\/secret\.py, outside the incident's folder\. Nothing outside an incident's folder is read or published/,
        ),
      },
    ]);
    expect(everything(archive)).not.toContain(SECRET);
  });

  it('a folder that is a link to a folder outside', () => {
    const dir = outside();
    writeIncident();
    mkdirSync(join(root, DIR, 'repros'));
    symlinkSync(join(dir, 'dir'), join(root, DIR, 'repros/a'));
    const archive = readArchive(root);
    expect(archive.problems).toMatchObject([
      { file: `${DIR}/repros/a`, message: expect.stringMatching(/outside the incident's folder/) },
    ]);
    expect(everything(archive)).not.toContain(SECRET);
  });

  it('a relative link that climbs out, and an incident folder that is itself a link', () => {
    const dir = outside();
    writeIncident({ 'repros/a/repro.yaml': VALID_REPRO });
    symlinkSync('../../../../../elsewhere/secret.py', join(root, DIR, 'repros/a/main.py'));
    symlinkSync(dir, join(root, 'content/incidents/2024-06-03-linked'));
    const archive = readArchive(root);
    expect(archive.problems.map((p) => p.file)).toEqual([
      `${DIR}/repros/a/main.py`,
      'content/incidents/2024-06-03-linked',
    ]);
    expect(archive.problems[1]!.message).toMatch(/^this incident folder is a link to .*, outside the incidents folder/);
    expect(everything(archive)).not.toContain(SECRET);
  });

  it('a loop of links, and a link to a folder that contains it', () => {
    writeIncident({ 'repros/a/repro.yaml': VALID_REPRO });
    symlinkSync('other.py', join(root, DIR, 'repros/a/main.py'));
    symlinkSync('main.py', join(root, DIR, 'repros/a/other.py'));
    symlinkSync('..', join(root, DIR, 'repros/a/up'));
    const problems = readArchive(root).problems;
    expect(problems.filter((p) => /loop of links/.test(p.message)).map((p) => p.file)).toEqual([
      `${DIR}/repros/a/main.py`,
      `${DIR}/repros/a/other.py`,
    ]);
  });

  it('links inside the folder are read like the files they name', () => {
    writeIncident({ 'repros/a/repro.yaml': VALID_REPRO, 'repros/a/real.py': 'print("OK")\n' });
    symlinkSync('real.py', join(root, DIR, 'repros/a/main.py'));
    const { problems, incidents } = readArchive(root);
    expect(problems).toEqual([]);
    expect(incidents[0]!.repros[0]!.source).toBe('print("OK")\n');
  });

  it('a pipe is never opened (reading it would wait forever)', () => {
    writeIncident();
    execFileSync('mkfifo', [join(root, DIR, 'timeline.yaml.fifo')]);
    expect(onlyProblem({})).toMatchObject({
      file: `${DIR}/timeline.yaml.fifo`,
      message: expect.stringMatching(/^this is not a regular file/),
    });
  });
});

describe('files a parser cannot read, located', () => {
  it('invalid UTF-8, at its line and byte', () => {
    const bytes = Buffer.concat([
      Buffer.from(index('## What happened', '## What happened\n\nCaf')),
      Buffer.from([0xe9]),
    ]);
    writeIncident();
    writeFileSync(
      join(root, INDEX),
      Buffer.concat([
        bytes.subarray(0, bytes.indexOf('Caf') + 3),
        Buffer.from([0xe9, 0x0a]),
        bytes.subarray(bytes.indexOf('Caf') + 3),
      ]),
    );
    const problem = onlyProblemNow();
    expect(problem).toMatchObject({ file: INDEX, line: 24 });
    expect(problem.message).toMatch(
      /^byte 4 of this line \(0xE9, byte \d+ of the file\) is not valid UTF-8\. .*save it again as UTF-8$/,
    );
  });

  it('a UTF-16 file and a byte-order mark', () => {
    writeIncident();
    writeFileSync(
      join(root, TIMELINE),
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(VALID_TIMELINE, 'utf16le')]),
    );
    expect(onlyProblemNow()).toMatchObject({
      file: TIMELINE,
      line: 1,
      message: expect.stringMatching(/^this file is saved as UTF-16/),
    });
    writeFileSync(join(root, TIMELINE), Buffer.from(VALID_TIMELINE, 'utf16le'));
    expect(onlyProblemNow()).toMatchObject({
      file: TIMELINE,
      message: expect.stringMatching(/^this file is saved as UTF-16/),
    });
    writeFileSync(join(root, TIMELINE), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(VALID_TIMELINE)]));
    expect(onlyProblemNow()).toMatchObject({
      file: TIMELINE,
      line: 1,
      message: expect.stringMatching(/byte-order mark/),
    });
  });

  it('an empty file, and a folder where a file belongs', () => {
    expect(
      onlyProblem({ 'history.yaml': '', 'timeline.yaml': null, 'index.mdx': index('<Ref to="#12" />', 'a fix') }),
    ).toMatchObject({
      file: HISTORY,
      line: 1,
    });
    rmSync(join(root, 'content'), { recursive: true });
    writeIncident({ 'timeline.yaml': null });
    mkdirSync(join(root, TIMELINE));
    expect(onlyProblem({ 'timeline.yaml': null })).toEqual({
      file: TIMELINE,
      message: 'this is a folder, where a file of this name is expected. Remove or rename the folder',
    });
  });

  it('a YAML alias bomb and a structure nested too deep, without running out of memory or stack', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x]', 'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]']
      .concat(['c', 'd', 'e', 'f', 'g'].map((k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcdef'[i]}`).join(', ')}]`))
      .join('\n');
    expect(onlyProblem({ 'history.yaml': bomb })).toMatchObject({
      file: HISTORY,
      line: 1,
      message: expect.stringMatching(/alias bomb/),
    });
    rmSync(join(root, 'content'), { recursive: true });
    expect(onlyProblem({ 'history.yaml': `${'['.repeat(50_000)}${']'.repeat(50_000)}` })).toMatchObject({
      file: HISTORY,
      message: expect.stringMatching(/^this YAML is nested more than 32 levels deep/),
    });
  });

  it('a file too large for its kind', () => {
    expect(onlyProblem({ 'timeline.yaml': `# ${'x'.repeat(2 * 1024 * 1024)}\n` })).toMatchObject({
      file: TIMELINE,
      message: expect.stringMatching(/^this file is 2\.0 MiB; a file of this kind may be at most 1\.0 MiB/),
    });
  });

  it('a title, a label or a name too long to show on one line', () => {
    expect(
      onlyProblem({ 'index.mdx': index('title: Queue backlog delays orders', `title: ${'Long '.repeat(400)}`) }),
    ).toMatchObject({
      file: INDEX,
      line: 2,
      field: 'title',
      message: expect.stringMatching(/^too long: 1999 characters, where at most 160 fit/),
    });
  });
});

describe('one rule for every link in YAML, as in the story', () => {
  const JS = /^a javascript: link is not allowed in an incident/;
  it.each([
    [
      'the frontmatter sources',
      { 'index.mdx': index('url: https://example.com/postmortem', 'url: "javascript:alert(1)"') },
      INDEX,
      'sources[0].url',
    ],
    [
      'a timeline source',
      { 'timeline.yaml': timeline('source: https://example.com/postmortem', 'source: javascript:alert(1)') },
      TIMELINE,
      '[0].source',
    ],
    [
      'a history URL',
      { 'history.yaml': history('title: Acknowledge after processing', 'title: Ack\n    url: javascript:alert(1)') },
      HISTORY,
      'items[0].url',
    ],
  ])('%s', (_, files, file, field) => {
    const problem = onlyProblem(files as Record<string, string>);
    expect(problem).toMatchObject({ file, field });
    expect(problem.message).toMatch(JS);
  });

  it('facts and follow-ups', () => {
    const facts = `- key: share\n  value: "1.2%"\n  label: Share of users\n  source: javascript:alert(1)\n  confidence: verified\n`;
    expect(onlyProblem({ 'facts.yaml': facts })).toMatchObject({
      field: '[0].source',
      message: expect.stringMatching(JS),
    });
    rmSync(join(root, 'content'), { recursive: true });
    const actions = `- id: alerting\n  title: Alert on lag\n  kind: detect\n  owner: SRE\n  status: open\n  links: ["data:text/html,<b>x</b>"]\n`;
    expect(onlyProblem({ 'actions.yaml': actions })).toMatchObject({
      message: expect.stringMatching(/^a data: link is not allowed/),
    });
  });
});

describe('a fact that answers the summary card', () => {
  const facts = [
    '- key: cause',
    '  value: the consumer acknowledged before processing',
    '  label: Root cause, in the postmortem',
    '  source: https://example.com/postmortem',
    '  confidence: verified',
    '  matches:',
    '    - frontmatter: root_cause',
    '',
  ].join('\n');

  it('is a located problem while the frontmatter leaves the card field out', () => {
    const problem = onlyProblem({ 'facts.yaml': facts });
    expect(problem).toMatchObject({ file: `${DIR}/facts.yaml`, line: 7, field: '[0].matches[0]' });
    expect(problem.message).toMatch(/the frontmatter has no root_cause, so the card would not show that answer/);
  });

  it('is cited by the card once the frontmatter gives the line', () => {
    writeIncident({
      'facts.yaml': facts,
      'index.mdx': VALID_INDEX.replace('tags:', 'root_cause: The consumer acknowledged messages too early\ntags:'),
    });
    const { problems, incidents } = readArchive(root);
    expect(problems).toEqual([]);
    expect(incidents[0]!.frontmatter.root_cause).toBe('The consumer acknowledged messages too early');
  });
});
