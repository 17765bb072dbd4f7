import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readArchive } from '../../src/archive/archive.ts';
import { scaffoldIncident, ScaffoldError, titleSlug as slugify, todayIn } from '../../src/archive/scaffold.ts';

const AFTERMATH = resolve(import.meta.dirname, '../../bin/aftermath.js');

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'aftermath-new-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** Writes a scaffold's files as the CLI would, under `<root>/content/incidents/<slug>/`. */
function writeScaffold(files: Record<string, string>, slug: string): void {
  const dir = join(root, 'content/incidents', slug);
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
}

function runNew(args: string[]) {
  const result = spawnSync(process.execPath, [AFTERMATH, 'new', ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('slugify', () => {
  it('keeps lower-case words joined by single hyphens', () => {
    expect(slugify('ChatGPT, 20 March 2023: cancelled Redis requests')).toBe(
      'chatgpt-20-march-2023-cancelled-redis-requests',
    );
    expect(slugify('  --Queue   backlog!!  ')).toBe('queue-backlog');
  });
  it('drops accents rather than whole letters', () => {
    expect(slugify('Störung im Rechenzentrum Zürich')).toBe('storung-im-rechenzentrum-zurich');
    expect(slugify('Café crème')).toBe('cafe-creme');
  });
  it('is empty for a title without Latin letters or digits', () => {
    expect(slugify('障害')).toBe('');
  });
  it('shortens long titles at a word boundary', () => {
    const slug = slugify('A very long incident title that keeps going well past what anyone wants to read in a URL');
    expect(slug).toBe('a-very-long-incident-title-that-keeps-going-well-past-what');
    expect(slug.length).toBeLessThanOrEqual(60);
  });
});

describe('todayIn', () => {
  it('is the calendar day in the given zone', () => {
    const now = new Date(Date.UTC(2024, 5, 2, 23, 30));
    expect(todayIn('UTC', now)).toBe('2024-06-02');
    expect(todayIn('Europe/Berlin', now)).toBe('2024-06-03');
    expect(todayIn('America/Los_Angeles', now)).toBe('2024-06-02');
  });
});

describe('scaffoldIncident', () => {
  it('names the folder after the date and the title, and writes the three files', () => {
    const incident = scaffoldIncident({ title: 'Queue backlog delays orders', date: '2024-06-02' });
    expect(incident.slug).toBe('2024-06-02-queue-backlog-delays-orders');
    expect(Object.keys(incident.files)).toEqual(['index.mdx', 'timeline.yaml', 'history.yaml']);
  });

  it('writes a draft with unknown times, the given zone and severity, and guiding headings', () => {
    const { files } = scaffoldIncident({
      title: 'DNS: "expired" domain',
      date: '2022-11-08',
      timezone: 'Europe/Berlin',
      severity: 'SEV1',
    });
    const mdx = files['index.mdx']!;
    expect(mdx).toContain('title: "DNS: \\"expired\\" domain"\n');
    expect(mdx).toContain('severity: SEV1\n');
    expect(mdx).toContain('timezone: Europe/Berlin\n');
    expect(mdx).toContain('draft: true\n');
    for (const moment of ['started', 'detected', 'mitigated', 'resolved'])
      expect(mdx).toContain(`\n${moment}: unknown\n`);
    expect(mdx.match(/^## .+$/gm)).toEqual([
      '## What happened',
      '## Impact',
      '## Why it happened',
      '## What is changing',
    ]);
    expect(files['timeline.yaml']).toMatch(/\n\[\]\n$/);
    expect(files['history.yaml']).toMatch(/\nitems: \[\]\n$/);
  });

  it('defaults to UTC, SEV3 and today', () => {
    const { slug, files } = scaffoldIncident({ title: 'X', now: new Date(Date.UTC(2025, 0, 31, 12)) });
    expect(slug).toBe('2025-01-31-x');
    expect(files['index.mdx']).toContain('\nseverity: SEV3\n');
    expect(files['index.mdx']).toContain('\ntimezone: UTC\n');
  });

  it('falls back to "incident" when the title gives no slug', () => {
    expect(scaffoldIncident({ title: '障害', date: '2024-01-02' }).slug).toBe('2024-01-02-incident');
  });

  it('passes readArchive with zero problems, as a draft with nothing known yet', () => {
    const { slug, files } = scaffoldIncident({
      title: 'Queue backlog: 2 h of délayed orders',
      date: '2024-06-02',
      timezone: 'America/New_York',
      severity: 'SEV2',
    });
    writeScaffold(files, slug);
    const { problems, incidents } = readArchive(root);
    expect(problems).toEqual([]);
    expect(incidents).toHaveLength(1);
    const [incident] = incidents;
    expect(incident!.slug).toBe('2024-06-02-queue-backlog-2-h-of-delayed-orders');
    expect(incident!.frontmatter).toMatchObject({
      title: 'Queue backlog: 2 h of délayed orders',
      severity: 'SEV2',
      timezone: 'America/New_York',
      draft: true,
      started: null,
      detected: null,
      mitigated: null,
      resolved: null,
    });
    expect(incident!.timeline).toEqual([]);
    expect(incident!.history).toEqual({ items: [] });
  });

  it('refuses bad options with a message that says what to pass', () => {
    const attempt = (options: Parameters<typeof scaffoldIncident>[0]) => () => scaffoldIncident(options);
    expect(attempt({ title: '  ', date: '2024-06-02' })).toThrow(
      new ScaffoldError('the title must not be empty, e.g. npx aftermath new "Queue backlog delays orders"'),
    );
    expect(attempt({ title: 'X', date: '2024-6-2' })).toThrow(
      '"2024-6-2" is not a date; give --date as YYYY-MM-DD, e.g. 2024-06-02',
    );
    expect(attempt({ title: 'X', date: '2024-02-30' })).toThrow('"2024-02-30" is not a date');
    expect(attempt({ title: 'X', date: '2024-06-02', timezone: 'PST' })).toThrow('"PST" is not an IANA time zone');
    expect(attempt({ title: 'X', date: '2024-06-02', severity: 'sev1' })).toThrow(
      '"sev1" is not a severity; give --severity as one of SEV1, SEV2, SEV3, SEV4',
    );
    expect(attempt({ title: 'X', date: '2024-06-02', severity: 'sev1' })).toThrow(ScaffoldError);
  });
});

describe('aftermath new', () => {
  it('creates an incident that readArchive accepts, and says what to do next', () => {
    mkdirSync(join(root, 'content/incidents'), { recursive: true });
    const result = runNew([
      'Queue backlog delays orders',
      '--date',
      '2024-06-02',
      '--timezone',
      'Europe/Berlin',
      '--severity',
      'SEV2',
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const dir = 'content/incidents/2024-06-02-queue-backlog-delays-orders';
    expect(result.stdout).toMatch(new RegExp(`^Created ${dir}/ \\(index\\.mdx, timeline\\.yaml, history\\.yaml\\)\\n`));
    expect(result.stdout).toContain('Next steps:');
    expect(result.stdout).toContain('npx aftermath check');
    expect(readdirSync(join(root, dir)).sort()).toEqual(['history.yaml', 'index.mdx', 'timeline.yaml']);

    const { problems, incidents } = readArchive(root);
    expect(problems).toEqual([]);
    expect(incidents.map((i) => [i.slug, i.frontmatter.severity, i.frontmatter.timezone, i.frontmatter.draft])).toEqual(
      [['2024-06-02-queue-backlog-delays-orders', 'SEV2', 'Europe/Berlin', true]],
    );
  });

  it('writes into --dir, creating it, and joins an unquoted title', () => {
    const result = runNew(['Disk', 'full', '--date', '2023-01-05', '--dir', 'site/incidents']);
    expect(result.code).toBe(0);
    expect(
      readArchive(root, { incidents: 'site/incidents' }).incidents.map((i) => [i.slug, i.frontmatter.title]),
    ).toEqual([['2023-01-05-disk-full', 'Disk full']]);
  });

  it('refuses to overwrite an existing incident, and leaves it untouched', () => {
    const dir = join(root, 'content/incidents/2024-06-02-queue-backlog');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'index.mdx'), 'mine\n');
    const result = runNew(['Queue backlog', '--date', '2024-06-02']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      'aftermath new: content/incidents/2024-06-02-queue-backlog already exists; nothing was written. Edit that incident, or pick another title or --date.\n',
    );
    expect(readdirSync(dir)).toEqual(['index.mdx']);
    expect(readFileSync(join(dir, 'index.mdx'), 'utf8')).toBe('mine\n');
  });

  it('exits 1 with the reason and usage on bad input', () => {
    const noTitle = runNew([]);
    expect(noTitle.code).toBe(1);
    expect(noTitle.stderr).toMatch(/^aftermath new: give the incident a title\.\n\nusage: aftermath new "Title"/);

    const badZone = runNew(['X', '--timezone', 'PST']);
    expect(badZone.code).toBe(1);
    expect(badZone.stderr).toMatch(/^aftermath new: "PST" is not an IANA time zone/);

    // A mistyped option is a usage error, as for every command: exit 2, with the way to the help.
    const unknownOption = runNew(['X', '--sevrity', 'SEV1']);
    expect(unknownOption.code).toBe(2);
    expect(unknownOption.stderr).toBe("aftermath new: Unknown option '--sevrity'. See aftermath new --help\n");
    expect(readdirSync(root)).toEqual([]);
  });
});
