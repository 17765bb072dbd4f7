/**
 * The live-run endpoint's gatekeeping (src/integration/live-runs.ts) and its lookups in the
 * archive (src/repro/live/session.ts), without a dev server: who gets the token, which
 * requests are refused before anything runs, and which cells a request names.
 */
import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import {
  isLoopbackAddress,
  isLoopbackHost,
  LIVE_RUNS_PATH,
  liveRunsEndpoint,
  parseRunRequest,
  tokensMatch,
} from '../../src/integration/live-runs.ts';
import { cellsFor, findRepro, LiveRunError, verdictChanges } from '../../src/repro/live/session.ts';
import { cellKey } from '../../src/domain/repro-cells.ts';
import { lastRunText, LIVE_RUNS_LOCALS, liveRunsFrom } from '../../src/view/repro-view.ts';
import type { CellResult } from '../../src/schemas/repro-results.ts';
import { fixtureRepro } from '../fixtures/repro/support.ts';
import type { IncidentRecord } from '../../src/domain/incident-record.ts';

describe('who may use the endpoint', () => {
  it('knows loopback addresses and hosts', () => {
    for (const a of ['127.0.0.1', '127.3.2.1', '::1', '::ffff:127.0.0.1']) expect(isLoopbackAddress(a), a).toBe(true);
    for (const a of ['10.0.0.2', '::ffff:192.168.1.4', '128.0.0.1', '', undefined])
      expect(isLoopbackAddress(a), String(a)).toBe(false);
    for (const h of ['localhost:4321', '127.0.0.1:4321', '[::1]:4321', 'localhost'])
      expect(isLoopbackHost(h), h).toBe(true);
    for (const h of ['attacker.example', 'localhost.attacker.example:4321', '127.0.0.1.nip.io', '[::2]:80', undefined])
      expect(isLoopbackHost(h), String(h)).toBe(false);
  });

  it('compares tokens whole', () => {
    expect(tokensMatch('abc', 'abc')).toBe(true);
    expect(tokensMatch('abc', 'abd')).toBe(false);
    expect(tokensMatch('abc', 'ab')).toBe(false);
    expect(tokensMatch('abc', undefined)).toBe(false);
    expect(tokensMatch('abc', ['abc'])).toBe(false);
  });

  it('reads a run request as ids only', () => {
    expect(parseRunRequest({ incident: 'a-b', repro: 'desync' })).toEqual({
      incident: 'a-b',
      repro: 'desync',
      scope: { kind: 'all' },
    });
    expect(parseRunRequest({ incident: 'a-b', repro: 'desync', version: '4.5.1' })).toEqual({
      incident: 'a-b',
      repro: 'desync',
      scope: { kind: 'version', version: '4.5.1' },
    });
    expect(parseRunRequest({ incident: 'a-b', repro: 'x', cell: '["installed",[]]' })).toMatchObject({
      scope: { kind: 'cell', key: '["installed",[]]' },
    });
    expect(parseRunRequest({ incident: '../etc', repro: 'x' })).toMatch(/^incident/);
    expect(parseRunRequest({ incident: 'a', repro: 'x/../y' })).toMatch(/^repro/);
    expect(parseRunRequest({ incident: 'a', repro: 'x', version: '1', cell: 'k' })).toMatch(/not both/);
    expect(parseRunRequest([])).toMatch(/^incident/);
    expect(parseRunRequest(null)).toMatch(/JSON object/);
  });
});

/** A request as Connect hands it over, and a response that records what was written. */
function exchange(options: { url: string; method?: string; address?: string; headers?: Record<string, string> }) {
  const req = Object.assign(new EventEmitter(), {
    url: options.url,
    method: options.method ?? 'GET',
    socket: { remoteAddress: options.address ?? '127.0.0.1' },
    headers: { host: '127.0.0.1:4321', ...options.headers },
  }) as unknown as IncomingMessage;
  const res = {
    status: 0,
    body: '',
    headersSent: false,
    destroyed: false,
    writeHead(status: number) {
      this.status = status;
      this.headersSent = true;
      return this;
    },
    write(text: string) {
      this.body += text;
    },
    end(text?: string | Buffer) {
      this.body += text ?? '';
    },
  };
  return { req, res: res as unknown as ServerResponse & typeof res };
}

describe('the middleware', () => {
  const endpoint = liveRunsEndpoint('/nonexistent-root');

  it('gives loopback pages of its own origin the token, and no one else', () => {
    const pass = (opts: Parameters<typeof exchange>[0]) => {
      const { req, res } = exchange(opts);
      let nexted = false;
      endpoint.middleware(req, res, () => (nexted = true));
      expect(nexted).toBe(true);
      return liveRunsFrom((Reflect.get(req, Symbol.for('astro.locals')) as object | undefined) ?? {});
    };
    expect(pass({ url: '/incidents/x/' })?.token).toBe(endpoint.token);
    expect(endpoint.token).toMatch(/^[0-9a-f]{64}$/);
    expect(pass({ url: '/incidents/x/', address: '192.168.1.9' })).toBeUndefined();
    expect(pass({ url: '/incidents/x/', headers: { host: 'attacker.example' } })).toBeUndefined();
    expect(pass({ url: '/incidents/x/', headers: { origin: 'http://localhost:3000' } })).toBeUndefined();
    expect(pass({ url: '/incidents/x/', headers: { origin: 'http://127.0.0.1:4321' } })?.endpoint).toBe(LIVE_RUNS_PATH);
  });

  it('keeps locals another middleware set', () => {
    const { req, res } = exchange({ url: '/' });
    Reflect.set(req, Symbol.for('astro.locals'), { other: 1 });
    endpoint.middleware(req, res, () => undefined);
    expect(Reflect.get(req, Symbol.for('astro.locals'))).toMatchObject({
      other: 1,
      [LIVE_RUNS_LOCALS]: endpoint.locals,
    });
  });

  it('refuses before reading anything: remote clients, GET, a missing or wrong token', () => {
    const status = (opts: Parameters<typeof exchange>[0]) => {
      const { req, res } = exchange(opts);
      endpoint.middleware(req, res, () => {
        throw new Error('the endpoint must answer itself');
      });
      return res.status;
    };
    const run = `${LIVE_RUNS_PATH}/run`;
    const json = { 'content-type': 'application/json' };
    expect(
      status({
        url: run,
        method: 'POST',
        address: '10.1.1.1',
        headers: { ...json, 'x-aftermath-run-token': endpoint.token },
      }),
    ).toBe(403);
    expect(
      status({
        url: run,
        method: 'POST',
        headers: { ...json, host: 'rebound.example:4321', 'x-aftermath-run-token': endpoint.token },
      }),
    ).toBe(403);
    expect(status({ url: run, method: 'GET', headers: { 'x-aftermath-run-token': endpoint.token } })).toBe(405);
    expect(status({ url: run, method: 'POST', headers: json })).toBe(403);
    expect(status({ url: run, method: 'POST', headers: { ...json, 'x-aftermath-run-token': 'f'.repeat(64) } })).toBe(
      403,
    );
    expect(
      status({
        url: run,
        method: 'POST',
        headers: { 'content-type': 'text/plain', 'x-aftermath-run-token': endpoint.token },
      }),
    ).toBe(415);
    expect(status({ url: `${LIVE_RUNS_PATH}/client.js` })).toBe(200);
    expect(endpoint.isRunning()).toBe(false);
  });
});

describe('what a request may run', () => {
  const repro = fixtureRepro('echo-redis');
  const incidents = [{ slug: 'inc', repros: [repro] }] as unknown as IncidentRecord[];

  it('finds incidents and repros by id, and only those', () => {
    expect(findRepro(incidents, 'inc', 'echo-redis').repro).toBe(repro);
    expect(() => findRepro(incidents, 'other', 'echo-redis')).toThrow(LiveRunError);
    expect(() => findRepro(incidents, 'inc', 'nope')).toThrow(/has no repro "nope"/);
  });

  it('names all cells, a version row, or one cell of the current matrix', () => {
    const all = cellsFor(repro, { kind: 'all' });
    expect(all.map((c) => c.parameters.USER_ID)).toEqual(['1', '2']);
    expect(cellsFor(repro, { kind: 'version', version: 'installed' })).toEqual(all);
    expect(cellsFor(repro, { kind: 'cell', key: cellKey(all[1]!) })).toEqual([all[1]]);
    expect(() => cellsFor(repro, { kind: 'version', version: '9.9' })).toThrow(/not in the matrix/);
    expect(() =>
      cellsFor(repro, { kind: 'cell', key: cellKey({ version: 'installed', parameters: { USER_ID: '3' } }) }),
    ).toThrow(/not in the matrix/);
  });
});

describe('what changed since the last record', () => {
  const cell = (user: string, verdict: CellResult['verdict']) =>
    ({ version: 'installed', parameters: { USER_ID: user }, verdict }) as unknown as CellResult;
  it('lists the cells whose verdict differs, and new ones', () => {
    const changes = verdictChanges(
      [cell('1', 'not-reproduced'), cell('2', 'error')],
      [cell('1', 'reproduced'), cell('2', 'error'), cell('3', 'skipped')],
    );
    expect(changes).toEqual([
      { cell: 'installed USER_ID=1', before: 'not-reproduced', after: 'reproduced' },
      { cell: 'installed USER_ID=3', before: undefined, after: 'skipped' },
    ]);
    expect(lastRunText({ recordedAt: 'x', ran: 3, changes })).toBe(
      '3 cells ran; 2 changed verdict since the last record: installed USER_ID=1: ✓ not reproduced → ✗ reproduced; installed USER_ID=3: not recorded → – skipped.',
    );
    expect(lastRunText({ recordedAt: 'x', ran: 1, changes: [] })).toBe(
      '1 cell ran; no verdict changed since the last record.',
    );
  });
});
