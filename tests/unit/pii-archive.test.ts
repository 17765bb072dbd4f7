/**
 * The PII lint through readArchive, on temp incident folders: a finding fails with its file and
 * line and never prints the full text; the allowlist lets deliberate, public text through, and is
 * itself checked (a reason is required, an entry that allows nothing is stale).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readArchive } from '../../src/archive/archive.ts';
import { PII_ALLOWLIST, piiLint } from '../../src/archive/pii-scan.ts';
import { formatProblems, type ContentProblem } from '../../src/schemas/problems.ts';

const SLUG = '2024-06-02-queue-backlog';
const DIR = `content/incidents/${SLUG}`;
const INDEX = `${DIR}/index.mdx`;

const VALID_INDEX = `---
title: Queue backlog delays orders
summary: A consumer stopped acknowledging messages, so orders queued for two hours.
impact: Orders delayed by up to two hours
severity: SEV2
status: resolved
started: "2024-06-02T09:15:00+02:00"
timezone: Europe/Berlin
authors:
  - Jo Doe
---

## What happened

The consumer fell behind after a deploy on 2024-06-02 at 09:15 (+02:00), version 4.5.5.
`;
// line 15: the body's first sentence.

const EMAIL = 'jane.doe@acme-corp.com';
// Assembled so this file does not itself look like a leaked token.
const TOKEN = ['gh', 'p_', 'R8x2Kq9ZtY4mN7pL1vB3cD6fG0hJ5sW2aQ8e'].join('');

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'aftermath-pii-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** Writes a valid incident, with `files` (paths in the incident folder) added or replaced. */
function writeIncident(files: Record<string, string | Buffer> = {}, slug = SLUG): void {
  const dir = join(root, 'content/incidents', slug);
  for (const [name, text] of Object.entries({ 'index.mdx': VALID_INDEX, ...files })) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
}

function writeAllowlist(text: string): void {
  mkdirSync(join(root, 'content'), { recursive: true });
  writeFileSync(join(root, PII_ALLOWLIST), text);
}

const withBody = (line: string) => `${VALID_INDEX}\n${line}\n`;
// The line withBody's text lands on.
const BODY_LINE = 17;

describe('a finding fails the archive', () => {
  it('an email address in index.mdx, at its file and line, masked, saying what to do', () => {
    writeIncident({ 'index.mdx': withBody(`The on-call engineer, ${EMAIL}, restarted it.`) });
    const { problems, incidents } = readArchive(root);
    expect(problems).toEqual([
      {
        file: INDEX,
        line: BODY_LINE,
        field: 'PII: email',
        message:
          'looks like an email address at column 23: "jane…om" (masked, 22 characters). Remove it, or replace it with a role ("the on-call engineer") or a placeholder such as name@example.com. ' +
          `If it is deliberate and public (e.g. a vendor's published support address), list it in content/pii-allowlist.yaml with a reason: - { file: ${INDEX}, match: "<the exact text>", kind: email, reason: "…" }`,
      },
    ]);
    // An incident with a problem is never handed to the site.
    expect(incidents).toEqual([]);
  });

  it('a token in a repro snippet; the report never prints it whole, and says to revoke it', () => {
    writeIncident({
      'repros/a/repro.yaml':
        'title: A\nruntime: python\nentry: main.py\nexpect:\n  reproduced: LEAK\n  not_reproduced: OK\n',
      'repros/a/main.py': `import os\n\nHEADERS = {"Authorization": "token ${TOKEN}"}\n`,
    });
    const { problems } = readArchive(root);
    expect(problems).toEqual([
      {
        file: `${DIR}/repros/a/main.py`,
        line: 3,
        field: 'PII: token',
        message: expect.stringMatching(
          /^looks like a GitHub token at column 36: "ghp_…8e" \(masked, 40 characters\)\. Remove it, and if it is real, revoke or rotate it/,
        ),
      },
    ]);
    expect(formatProblems(problems)).not.toContain(TOKEN);
    expect(formatProblems(problems)).not.toContain(TOKEN.slice(4, -2));
  });

  it('a card number in results.json stdout and a phone number in timeline.yaml', () => {
    writeIncident({
      'timeline.yaml':
        '- at: "2024-06-02T09:15:00+02:00"\n  kind: trigger\n  title: Jo (+1 415 555 0100) is paged\n  source: https://example.com/postmortem\n  confidence: verified\n',
      'repros/a/repro.yaml':
        'title: A\nruntime: python\nentry: main.py\nexpect:\n  reproduced: LEAK\n  not_reproduced: OK\n',
      'repros/a/main.py': 'print("OK")\n',
      'repros/a/results.json': '{\n  "cells": [\n    { "stdout": "charged\\n4111 1111 1111 1111\\n" }\n  ]\n}\n',
    });
    const { problems } = readArchive(root);
    // The fragment is not a whole recording either, which is reported too; the PII findings stand.
    expect(problems.map((p) => [p.file, p.line, p.field])).toEqual([
      [`${DIR}/repros/a/results.json`, undefined, undefined],
      [`${DIR}/repros/a/results.json`, 3, 'PII: card'],
      [`${DIR}/timeline.yaml`, 3, 'PII: phone'],
    ]);
    expect(problems[0]!.message).toMatch(/^this recording cannot be read: repro: /);
    expect(problems[1]!.message).toMatch(
      /^looks like a payment card number \(Visa, passes the Luhn check\) at column 27: "4111…11"/,
    );
  });

  it('reports every finding of every incident in one pass', () => {
    writeIncident({ 'index.mdx': withBody(`Mail ${EMAIL} or call 020 7946 0958.`) });
    writeIncident({ 'history.yaml': `items: []\n# ${TOKEN}\n` }, '2024-07-01-other');
    const { problems } = readArchive(root);
    expect(problems.map((p) => [p.file, p.line, p.field])).toEqual([
      [INDEX, BODY_LINE, 'PII: email'],
      [INDEX, BODY_LINE, 'PII: phone'],
      ['content/incidents/2024-07-01-other/history.yaml', 2, 'PII: token'],
    ]);
  });

  it('skips binary files and dotfiles', () => {
    writeIncident({
      'diagram.png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, ...Buffer.from(EMAIL)]),
      'data.bin': Buffer.from([0, 1, 2, ...Buffer.from(EMAIL)]),
      '.notes': EMAIL,
    });
    expect(readArchive(root).problems).toEqual([]);
  });
});

describe('content/pii-allowlist.yaml', () => {
  const allowed = withBody('Contact the vendor at support@vendor.com, as their status page says.');

  it('lets an allowlisted finding through', () => {
    writeIncident({ 'index.mdx': allowed });
    writeAllowlist(
      `- file: ${INDEX}\n  match: support@vendor.com\n  kind: email\n  reason: The vendor's published support address, quoted from its status page\n`,
    );
    const { problems, incidents } = readArchive(root);
    expect(problems).toEqual([]);
    expect(incidents).toHaveLength(1);
  });

  it('accepts globs and /regular expressions/', () => {
    writeIncident({ 'index.mdx': allowed });
    writeAllowlist(
      `# Public addresses only.\n- file: content/incidents/*/index.mdx\n  match: /(support|sales)@vendor\\.com/\n  reason: Published support addresses\n`,
    );
    expect(readArchive(root).problems).toEqual([]);
  });

  it('an entry without a reason is a problem, and allows nothing', () => {
    writeIncident({ 'index.mdx': allowed });
    writeAllowlist(`- file: ${INDEX}\n  match: support@vendor.com\n`);
    const { problems } = readArchive(root);
    expect(problems).toEqual([
      {
        file: INDEX,
        line: BODY_LINE,
        field: 'PII: email',
        message: expect.stringMatching(/^looks like an email address at column 23: "supp…om"/),
      },
      {
        file: PII_ALLOWLIST,
        line: 1,
        field: '[0].reason',
        message:
          'every allowlist entry needs a reason: say why this text is public and may be published (e.g. "the vendor\'s published support address"); the field is missing',
      },
    ]);
  });

  it('an empty reason, an unknown kind and an absolute path, each at its line', () => {
    writeIncident({ 'index.mdx': allowed });
    writeAllowlist(
      `- file: ${INDEX}\n  match: support@vendor.com\n  reason: " "\n- file: /etc/passwd\n  match: x\n  kind: mail\n  reason: ok\n`,
    );
    const { problems } = readArchive(root);
    expect(
      problems.filter((p) => p.file === PII_ALLOWLIST).map((p) => [p.line, p.field, p.message.split(';')[0]]),
    ).toEqual([
      [
        3,
        '[0].reason',
        'every allowlist entry needs a reason: say why this text is public and may be published (e.g. "the vendor\'s published support address")',
      ],
      [
        4,
        '[1].file',
        'file must be relative to the project root (e.g. content/incidents/…/index.mdx), without a leading / or ..',
      ],
      [6, '[1].kind', 'expected kind to be one of: email, card, token, phone (or leave it out to allow any kind)'],
    ]);
  });

  it('an entry that allows nothing is reported as stale, at its line', () => {
    writeIncident();
    writeAllowlist(
      `- file: ${INDEX}\n  match: old-support@vendor.com\n  reason: Was on the page before it was rewritten\n`,
    );
    const { problems, incidents } = readArchive(root);
    expect(problems).toEqual([
      {
        file: PII_ALLOWLIST,
        line: 1,
        field: '[0]',
        message: `this entry allows nothing: no finding in "${INDEX}" matches "old-…om". Remove it (a stale entry hides nothing, but it rots), or correct its file, match or kind`,
      },
    ]);
    // The allowlist's problem is not the incident's: the incident is still read.
    expect(incidents).toHaveLength(1);
  });

  it('an entry of the wrong kind allows nothing', () => {
    writeIncident({ 'index.mdx': allowed });
    writeAllowlist(`- file: ${INDEX}\n  match: support@vendor.com\n  kind: phone\n  reason: Published\n`);
    expect(readArchive(root).problems.map((p) => [p.file, p.field])).toEqual([
      [INDEX, 'PII: email'],
      [PII_ALLOWLIST, '[0]'],
    ]);
  });

  it('malformed YAML and the wrong shape', () => {
    writeIncident();
    writeAllowlist('- file: x\n  match: [unclosed\n');
    expect(readArchive(root).problems).toEqual([
      { file: PII_ALLOWLIST, line: expect.any(Number), message: expect.stringMatching(/^this is not valid YAML/) },
    ]);
    writeAllowlist('file: x\n');
    expect(readArchive(root).problems).toEqual([
      {
        file: PII_ALLOWLIST,
        line: 1,
        message:
          'expected pii-allowlist.yaml to be a list of entries, each starting with "- file:" and giving match and reason; found a mapping',
      },
    ]);
  });

  it('an empty allowlist, or one with comments only, is fine', () => {
    writeIncident();
    writeAllowlist('# Nothing allowed yet.\n');
    expect(readArchive(root).problems).toEqual([]);
  });
});

describe('the bundled content', () => {
  it('has no finding and no allowlist problem, and the lint is fast', () => {
    const project = resolve(import.meta.dirname, '../..');
    expect(readArchive(project).problems).toEqual([]);
    const started = performance.now();
    const lint = piiLint(project);
    const problems: ContentProblem[] = [
      ...lint.scanIncident('content/incidents/2023-03-20-chatgpt-redis-py'),
      ...lint.finish(),
    ];
    expect(problems).toEqual([]);
    expect(performance.now() - started).toBeLessThan(2000);
  });
});
