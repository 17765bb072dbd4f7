/**
 * Runs `aftermath import statuspage` and `aftermath import github` as a user would (a child
 * Node process), against a local HTTP server that answers with the recorded payloads in
 * tests/fixtures/payloads. Nothing here touches the network beyond 127.0.0.1.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { historySchema } from '../../src/schemas/history.ts';
import { timelineSchema } from '../../src/schemas/timeline.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const payloads = join(root, 'tests/fixtures/payloads');
const STATUSPAGE = ['import', 'statuspage'];
const GITHUB = ['import', 'github'];
/** When the fake GitHub's rate limit resets: 2030-01-01T00:00:00Z. */
const RATE_LIMIT_RESET = 1893456000;

const payload = (path: string) => readFileSync(join(payloads, path), 'utf8');

interface Route {
  status: number;
  body: string;
  headers?: Record<string, string>;
}

const json = (status: number, body: string, headers: Record<string, string> = {}): Route => ({
  status,
  body,
  headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
});

/** What the fake services answer, by path. */
function route(path: string, headers: IncomingHttpHeaders): Route {
  // Statuspage: an API at the server's root, as on https://status.example.com.
  const statuspage: Record<string, () => Route> = {
    '/api/v2/incidents.json': () => json(200, payload('statuspage/incidents.json')),
    '/api/v2/incidents/fx3nq8mw0t2k.json': () => json(200, payload('statuspage/incident-fx3nq8mw0t2k.json')),
    '/api/v2/incidents/z9y8x7w6v5u4.json': () => json(200, payload('statuspage/incident-unknown-status.json')),
    '/api/v2/incidents/htmlpage1234.json': () => ({
      status: 200,
      body: '<!DOCTYPE html><html><head><title>Status</title></head><body>Welcome</body></html>',
      headers: { 'content-type': 'text/html; charset=utf-8' },
    }),
  };
  if (path.startsWith('/api/v2/')) return statuspage[path]?.() ?? json(404, '{"error":"Not Found"}');

  // GitHub: an API under /api/v3, as on GitHub Enterprise, so --api-url with a path is tested too.
  if (path.startsWith('/api/v3/')) {
    if (headers.authorization === 'Bearer bad-token') return json(401, payload('github/bad-credentials.json'));
    if (path.startsWith('/api/v3/repos/example-org/limited/')) {
      return json(403, payload('github/rate-limited.json'), {
        'x-ratelimit-limit': '60',
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset': String(RATE_LIMIT_RESET),
        'x-ratelimit-used': '60',
        'x-ratelimit-resource': 'core',
      });
    }
    const github: Record<string, string> = {
      '/api/v3/repos/example-org/widget/issues/2624': 'github/issue-2624.json',
      '/api/v3/repos/example-org/widget/issues/2641': 'github/issue-2641.json',
      '/api/v3/repos/example-org/widget/pulls/2641': 'github/pull-2641.json',
      '/api/v3/repos/example-org/widget/issues/2650': 'github/issue-2650.json',
      '/api/v3/repos/example-org/widget/pulls/2650': 'github/pull-2650.json',
      '/api/v3/repos/example-org/widget/releases/tags/v4.5.5': 'github/release-v4.5.5.json',
    };
    const file = github[path];
    return file ? json(200, payload(file)) : json(404, payload('github/not-found.json'));
  }
  return { status: 404, body: 'not found', headers: { 'content-type': 'text/plain' } };
}

let server: Server;
let base = '';
let closedPortUrl = '';
let requests: { path: string; headers: IncomingHttpHeaders }[] = [];
let work = '';

async function listen(s: Server): Promise<string> {
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    requests.push({ path, headers: request.headers });
    const answer = route(path, request.headers);
    response.writeHead(answer.status, answer.headers);
    response.end(answer.body);
  });
  base = await listen(server);
  // A port that was just free and is closed again: connecting to it is refused.
  const closed = createServer();
  closedPortUrl = await listen(closed);
  await new Promise((resolve) => closed.close(resolve));
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  requests = [];
  work = mkdtempSync(join(tmpdir(), 'aftermath-import-'));
  mkdirSync(join(work, 'incident'));
  return () => rmSync(work, { recursive: true, force: true });
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a script with Node, as `npm run import:…` does, without any GITHUB_TOKEN from the caller. */
function run(command: string[], args: string[], env: Record<string, string> = {}): Promise<Run> {
  const { GITHUB_TOKEN: _ignored, ...inherited } = process.env;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, 'bin/aftermath.js'), ...command, ...args], {
      cwd: work,
      env: { ...inherited, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const timelineOut = () => join(work, 'incident/timeline.yaml');
const historyOut = () => join(work, 'incident/history.yaml');

describe('aftermath import statuspage', () => {
  it('imports an incident from its page address into a new timeline.yaml', async () => {
    const result = await run(STATUSPAGE, [`${base}/incidents/fx3nq8mw0t2k`, '--out', timelineOut()]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('"Elevated error rates on the Widgets API" (fx3nq8mw0t2k): 5 update(s): 5 added');
    expect(requests.map((r) => r.path)).toEqual(['/api/v2/incidents/fx3nq8mw0t2k.json']);

    const entries = timelineSchema.parse(parse(readFileSync(timelineOut(), 'utf8')));
    expect(entries.map((e) => e.kind)).toEqual(['investigating', 'identified', 'monitoring', 'resolved', 'postmortem']);
    // The source is the status page named in the payload, not the local mirror it was read from.
    expect(entries.every((e) => e.source === 'https://status.example.com/incidents/fx3nq8mw0t2k')).toBe(true);
    const monitoring = entries.find((e) => e.kind === 'monitoring')!;
    expect(monitoring.body).toBe(
      'A fix has been deployed and we are monitoring the results.\nCustomers may see *delayed* webhooks for up to 30 minutes.',
    );
    expect(readFileSync(timelineOut(), 'utf8')).not.toMatch(/script|onerror|evil\.example/);
  });

  it('merges into an existing timeline from incidents.json, keeping hand-written entries, and is idempotent', async () => {
    const handWritten =
      '# Pacific time.\n- at: "2024-01-30T08:55:00-08:00"\n  kind: trigger\n  title: A config push raises the error rate\n' +
      '  source: https://blog.example.com/2024/widgets-api-errors\n  confidence: verified\n';
    writeFileSync(timelineOut(), handWritten);
    const first = await run(STATUSPAGE, [
      `${base}/api/v2/incidents.json`,
      '--incident',
      'fx3nq8mw0t2k',
      '--out',
      timelineOut(),
    ]);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('5 added, 0 updated, 0 unchanged; 1 other entry kept');
    const written = readFileSync(timelineOut(), 'utf8');
    expect(written.startsWith(handWritten)).toBe(true);
    expect(timelineSchema.parse(parse(written))).toHaveLength(6);

    const second = await run(STATUSPAGE, [
      `${base}/api/v2/incidents.json`,
      '--incident',
      'fx3nq8mw0t2k',
      '--out',
      timelineOut(),
    ]);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('0 added, 0 updated, 5 unchanged');
    expect(readFileSync(timelineOut(), 'utf8')).toBe(written);
  });

  it('prints the timeline when there is no --out, and reads a saved JSON file', async () => {
    const result = await run(STATUSPAGE, [join(payloads, 'statuspage/maintenance-m4n5b6v7c8x9.json')]);
    expect(result.code).toBe(0);
    expect(timelineSchema.parse(parse(result.stdout)).map((e) => e.title)).toEqual([
      'Scheduled',
      'In progress',
      'Verifying',
      'Completed',
    ]);
    expect(result.stderr).toContain('"Database failover drill" (m4n5b6v7c8x9): 4 update(s)');
  });

  it('says which address answered 404', async () => {
    const result = await run(STATUSPAGE, [`${base}/incidents/doesnotexist`, '--out', timelineOut()]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`incident not found: ${base}/api/v2/incidents/doesnotexist.json answered 404`);
    expect(existsSync(timelineOut())).toBe(false);
  });

  it('lists the incidents found when the id is not in incidents.json', async () => {
    const result = await run(STATUSPAGE, [`${base}/api/v2/incidents.json`, '--incident', 'nope12345678']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('incident "nope12345678" is not in');
    expect(result.stderr).toContain('which lists 2: q8w7e6r5t4y3, fx3nq8mw0t2k');
  });

  it('fails on an unknown status without writing anything', async () => {
    const result = await run(STATUSPAGE, [`${base}/incidents/z9y8x7w6v5u4`, '--out', timelineOut()]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('has status "degraded"');
    expect(result.stderr).toContain('Accepted: investigating, identified, monitoring, update, resolved, postmortem');
    expect(existsSync(timelineOut())).toBe(false);
  });

  it('says when the answer is not JSON', async () => {
    const result = await run(STATUSPAGE, [`${base}/incidents/htmlpage1234`]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'did not answer with JSON (text/html; charset=utf-8; it starts with "<!DOCTYPE html>',
    );
  });

  it('says when the status page cannot be reached', async () => {
    const result = await run(STATUSPAGE, [`${closedPortUrl}/incidents/fx3nq8mw0t2k`]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `could not reach ${closedPortUrl}/api/v2/incidents/fx3nq8mw0t2k.json (ECONNREFUSED)`,
    );
  });

  it('refuses an invalid existing timeline and a missing incident folder', async () => {
    writeFileSync(
      timelineOut(),
      '- at: "2024-01-30T08:55"\n  kind: trigger\n  title: x\n  source: https://a.example.com\n  confidence: verified\n',
    );
    const invalid = await run(STATUSPAGE, [`${base}/incidents/fx3nq8mw0t2k`, '--out', timelineOut()]);
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toMatch(/fix .*timeline\.yaml before importing into it/);
    expect(invalid.stderr).toContain('has no UTC offset');

    const missing = await run(STATUSPAGE, [
      `${base}/incidents/fx3nq8mw0t2k`,
      '--out',
      join(work, 'no-such-incident/timeline.yaml'),
    ]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no-such-incident does not exist');
  });

  it('explains its usage', async () => {
    const none = await run(STATUSPAGE, []);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('usage: aftermath import statuspage');
    const unknown = await run(STATUSPAGE, [`${base}/incidents/fx3nq8mw0t2k`, '--incdent', 'x']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("Unknown option '--incdent'");
    const noIncident = await run(STATUSPAGE, [base]);
    expect(noIncident.code).toBe(2);
    expect(noIncident.stderr).toContain('which incident? Add --incident <id>');
  });
});

describe('aftermath import github', () => {
  const apiUrl = () => `${base}/api/v3`;

  it('imports issues, pull requests and a release into a new history.yaml', async () => {
    const result = await run(GITHUB, [
      '--repo',
      'example-org/widget',
      '--items',
      '2624,2641,2650,v4.5.5',
      '--api-url',
      apiUrl(),
      '--out',
      historyOut(),
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('4 item(s) from example-org/widget: 4 added (#2624, #2641, #2650, v4.5.5)');
    expect(result.stdout).toContain('relations added: #2641 fixes #2624, #2641 fixes #2650');

    // The pull requests' details come from /pulls; the plain issue needs no second request.
    expect(requests.map((r) => r.path)).toEqual([
      '/api/v3/repos/example-org/widget/issues/2624',
      '/api/v3/repos/example-org/widget/issues/2641',
      '/api/v3/repos/example-org/widget/pulls/2641',
      '/api/v3/repos/example-org/widget/issues/2650',
      '/api/v3/repos/example-org/widget/pulls/2650',
      '/api/v3/repos/example-org/widget/releases/tags/v4.5.5',
    ]);
    for (const { headers } of requests) {
      expect(headers.accept).toBe('application/vnd.github+json');
      expect(headers['user-agent']).toMatch(/aftermath/);
      expect(headers.authorization).toBeUndefined();
    }

    const history = historySchema.parse(parse(readFileSync(historyOut(), 'utf8')));
    expect(history.repository).toBe('example-org/widget');
    expect(history.items.map((i) => i.type)).toEqual(['issue', 'pull', 'pull', 'release']);
    const pull = history.items[1]!;
    expect(pull.type === 'pull' && [pull.merged?.iso, pull.target_branch, pull.merge_commit]).toEqual([
      '2024-01-22T16:02:50Z',
      'master',
      '5c1e3a9d0b7f4e2a8c6d1f3b9e0a7c5d2f4b6e8a',
    ]);
  });

  it('merges into an existing history.yaml without losing hand-written fields', async () => {
    const handWritten =
      'repository: example-org/widget\nitems:\n  - type: issue\n    number: 2624\n    title: Old\n    note: Found by a customer.\n    outcome: landed\n' +
      '  - type: advisory\n    id: CVE-2024-0001\n    title: An advisory nobody asked about\n';
    writeFileSync(historyOut(), handWritten);
    const result = await run(GITHUB, [
      '--repo',
      'example-org/widget',
      '--items',
      '2624',
      '--items',
      '2641',
      '--api-url',
      apiUrl(),
      '--out',
      historyOut(),
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('1 added (#2641), 1 updated (#2624)');
    const text = readFileSync(historyOut(), 'utf8');
    const history = historySchema.parse(parse(text));
    expect(history.items.map((i) => i.type)).toEqual(['issue', 'advisory', 'pull']);
    expect(history.items[0]).toMatchObject({
      title: 'Cancelling an async request leaves its reply on the connection',
      note: 'Found by a customer.',
      outcome: 'landed',
    });
    expect(text).toContain('  - type: advisory\n    id: CVE-2024-0001\n    title: An advisory nobody asked about\n');
    expect(history.items[2]!.relations).toEqual([{ type: 'fixes', to: '#2624' }]);
  });

  it('sends the token from --token or GITHUB_TOKEN as a bearer token', async () => {
    const flag = await run(GITHUB, [
      '--repo',
      'example-org/widget',
      '--items',
      'v4.5.5',
      '--api-url',
      apiUrl(),
      '--token',
      'from-flag',
    ]);
    expect(flag.code).toBe(0);
    expect(parse(flag.stdout).items[0].tag).toBe('v4.5.5');
    const env = await run(GITHUB, ['--repo', 'example-org/widget', '--items', 'v4.5.5', '--api-url', apiUrl()], {
      GITHUB_TOKEN: 'from-env',
    });
    expect(env.code).toBe(0);
    expect(requests.map((r) => r.headers.authorization)).toEqual(['Bearer from-flag', 'Bearer from-env']);
  });

  it('names the missing item on 404', async () => {
    const result = await run(GITHUB, [
      '--repo',
      'example-org/widget',
      '--items',
      '2624,9999',
      '--api-url',
      apiUrl(),
      '--out',
      historyOut(),
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('example-org/widget#9999 not found: check the repository and number');
    expect(existsSync(historyOut())).toBe(false);
    const tag = await run(GITHUB, ['--repo', 'example-org/widget', '--items', 'v0.0.0', '--api-url', apiUrl()]);
    expect(tag.stderr).toContain('example-org/widget release v0.0.0 not found: check the repository and the tag');
  });

  it('says when the rate limit resets and that a token raises it', async () => {
    const result = await run(GITHUB, ['--repo', 'example-org/limited', '--items', '1', '--api-url', apiUrl()]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("GitHub's API rate limit is used up (HTTP 403");
    expect(result.stderr).toContain(`It resets at ${new Date(RATE_LIMIT_RESET * 1000).toISOString()}`);
    expect(result.stderr).toContain(
      'Without a token the limit is 60 requests an hour; a token raises it to 5,000: pass --token or set GITHUB_TOKEN',
    );
  });

  it('explains a rejected token without printing it', async () => {
    const result = await run(GITHUB, [
      '--repo',
      'example-org/widget',
      '--items',
      '2624',
      '--api-url',
      apiUrl(),
      '--token',
      'bad-token',
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('GitHub rejected the token (401 Bad credentials)');
    expect(result.stderr).not.toContain('bad-token');
  });

  it('says when GitHub cannot be reached', async () => {
    const result = await run(GITHUB, ['--repo', 'example-org/widget', '--items', '2624', '--api-url', closedPortUrl]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `could not reach ${closedPortUrl} (ECONNREFUSED) while fetching example-org/widget#2624; check --api-url`,
    );
  });

  it('explains its usage', async () => {
    const noRepo = await run(GITHUB, ['--items', '1']);
    expect(noRepo.code).toBe(2);
    expect(noRepo.stderr).toContain('give the repository with --repo owner/name');
    expect(noRepo.stderr).toContain('usage: aftermath import github');
    const badRepo = await run(GITHUB, ['--repo', 'widget', '--items', '1']);
    expect(badRepo.code).toBe(2);
    expect(badRepo.stderr).toContain('expected --repo as owner/name');
  });
});
