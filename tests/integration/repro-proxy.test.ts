/**
 * The proxy against real sockets: exact bytes, real delays, order, trace, half-close; and its
 * faults against real servers (bandwidth, close, reset, stall, refusal, jitter).
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { startCommandService, type CommandService } from '../../src/repro/services/command-service.ts';
import {
  startLatencyProxy,
  type FaultRule,
  type LatencyProxy,
  type LatencyProxyOptions,
} from '../../src/repro/services/latency-proxy.ts';
import { startRedis } from '../../src/repro/services/redis.ts';
import { encodeCommand } from '../../src/repro/wire/resp.ts';
import { decodeTrace } from '../../src/repro/wire/trace.ts';
import { commandService } from '../../src/schemas/repro.ts';

const open: { close(): unknown }[] = [];
afterEach(async () => {
  for (const thing of open.splice(0)) await thing.close();
});

/** An upstream server whose connection handler the test provides. */
async function upstream(onConnection: (socket: Socket) => void): Promise<{ server: Server; port: number }> {
  const sockets = new Set<Socket>();
  const server = createServer({ allowHalfOpen: true }, (socket) => {
    sockets.add(socket);
    onConnection(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  // server.close() waits for open connections; half-open ones would wait forever.
  open.push({ close: () => new Promise((resolve) => (sockets.forEach((s) => s.destroy()), server.close(resolve))) });
  return { server, port: (server.address() as AddressInfo).port };
}

async function proxyTo(port: number, upstreamDelayMs: number, downstreamDelayMs: number): Promise<LatencyProxy> {
  const proxy = await startLatencyProxy({ upstream: { host: '127.0.0.1', port }, upstreamDelayMs, downstreamDelayMs });
  open.push(proxy);
  return proxy;
}

function connectTo(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, allowHalfOpen: true }, () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Collects everything until the peer ends. */
function readAll(socket: Socket): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.once('end', () => resolve(Buffer.concat(chunks)));
    socket.once('error', reject);
  });
}

/** Writes `data` in random-sized pieces, to give the proxy many chunks to keep in order. */
async function writeInPieces(socket: Socket, data: Buffer): Promise<void> {
  let offset = 0;
  while (offset < data.length) {
    const size = 1 + Math.floor(Math.random() * 8192);
    const piece = data.subarray(offset, offset + size);
    offset += piece.length;
    if (!socket.write(piece)) await new Promise((resolve) => socket.once('drain', resolve));
    if (Math.random() < 0.05) await new Promise((resolve) => setImmediate(resolve));
  }
}

function traced(proxy: LatencyProxy, dir: 'c2s' | 's2c'): Buffer {
  return Buffer.concat(proxy.trace.chunks.filter((c) => c.dir === dir).map((c) => Buffer.from(c.bytes, 'base64')));
}

describe('latency proxy', () => {
  it('forwards random binary data byte for byte in both directions at once, and traces it', async () => {
    const up = randomBytes(1_000_000);
    const down = randomBytes(700_000);
    let receivedUp: Promise<Buffer> | undefined;
    const { port } = await upstream((socket) => {
      receivedUp = readAll(socket);
      void writeInPieces(socket, down).then(() => socket.end());
    });
    const proxy = await proxyTo(port, 5, 5);
    const client = await connectTo(proxy.port);
    const receivedDown = readAll(client);
    await writeInPieces(client, up);
    client.end();
    const [gotDown, gotUp] = await Promise.all([
      receivedDown,
      (async () => {
        while (!receivedUp) await new Promise((r) => setTimeout(r, 5));
        return receivedUp;
      })(),
    ]);
    expect(gotUp.equals(up)).toBe(true);
    expect(gotDown.equals(down)).toBe(true);
    // The trace holds the same bytes, in order, timed in non-decreasing order per direction.
    expect(traced(proxy, 'c2s').equals(up)).toBe(true);
    expect(traced(proxy, 's2c').equals(down)).toBe(true);
    for (const dir of ['c2s', 's2c'] as const) {
      const times = proxy.trace.chunks.filter((c) => c.dir === dir).map((c) => c.t);
      expect(times).toEqual([...times].sort((a, b) => a - b));
    }
    expect(new Set(proxy.trace.chunks.map((c) => c.conn))).toEqual(new Set([1]));
    expect(proxy.trace.events.map((e) => e.event)).toEqual(expect.arrayContaining(['open', 'end-c2s', 'end-s2c']));
  });

  it('delays each direction by at least the configured time', async () => {
    const arrivals: number[] = [];
    const { port } = await upstream((socket) =>
      socket.on('data', (d) => {
        arrivals.push(performance.now());
        socket.write(d); // echo
      }),
    );
    const proxy = await proxyTo(port, 60, 40);
    const client = await connectTo(proxy.port);
    const roundTrips: number[] = [];
    const upstreamLegs: number[] = [];
    for (let i = 0; i < 5; i++) {
      const sent = performance.now();
      const echoed = new Promise((resolve) => client.once('data', resolve));
      client.write(`ping ${i}`);
      await echoed;
      roundTrips.push(performance.now() - sent);
      upstreamLegs.push(arrivals.at(-1)! - sent);
    }
    client.destroy();
    for (const leg of upstreamLegs) expect(leg).toBeGreaterThanOrEqual(60);
    for (const rtt of roundTrips) expect(rtt).toBeGreaterThanOrEqual(100);
    // And not wildly more: the delay is added once, not per timer tick.
    expect(Math.min(...roundTrips)).toBeLessThan(400);
  });

  it('keeps order when chunks arrive faster than the delay', async () => {
    const received: Buffer[] = [];
    let done!: () => void;
    const all = new Promise<void>((resolve) => (done = resolve));
    const { port } = await upstream((socket) => {
      socket.on('data', (d: Buffer) => received.push(d));
      socket.on('end', () => done());
    });
    const proxy = await proxyTo(port, 30, 0);
    const client = await connectTo(proxy.port);
    const messages = Array.from({ length: 300 }, (_, i) => `<${i}>`);
    for (const [i, message] of messages.entries()) {
      client.write(message);
      if (i % 10 === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    }
    client.end();
    await all;
    expect(Buffer.concat(received).toString()).toBe(messages.join(''));
    // Many chunks crossed, so order was actually at stake.
    expect(proxy.trace.chunks.filter((c) => c.dir === 'c2s').length).toBeGreaterThan(10);
  });

  it('forwards a half-close after the delayed data, and replies still flow back', async () => {
    const { port } = await upstream(async (socket) => {
      const request = await readAll(socket); // ends when the client half-closes
      socket.end(`got ${request.length} bytes`);
    });
    const proxy = await proxyTo(port, 20, 20);
    const client = await connectTo(proxy.port);
    const reply = readAll(client);
    client.end('hello');
    expect((await reply).toString()).toBe('got 5 bytes');
    const events = proxy.trace.events.map((e) => e.event);
    expect(events.indexOf('end-c2s')).toBeLessThan(events.indexOf('end-s2c'));
  });

  it('closes the client when the upstream refuses, and records the error', async () => {
    const { server, port } = await upstream(() => {});
    await new Promise((resolve) => server.close(resolve));
    const proxy = await proxyTo(port, 0, 0);
    const client = await connectTo(proxy.port);
    // The client is half-open capable, so the proxy's FIN shows as 'end'.
    await new Promise(
      (resolve) => (client.once('end', resolve), client.once('close', resolve), client.on('error', () => {})),
    );
    client.destroy();
    expect(proxy.trace.events.find((e) => e.event === 'error')?.detail).toMatch(/ECONNREFUSED/);
  });

  it('close() destroys every open connection and stops listening', async () => {
    const { port } = await upstream(() => {});
    const proxy = await proxyTo(port, 0, 0);
    const clients = await Promise.all([connectTo(proxy.port), connectTo(proxy.port)]);
    // FIN ('end' on a half-open-capable socket) or RST ('close'): either way, disconnected.
    const ended = clients.map(
      (c) => new Promise((resolve) => (c.once('end', resolve), c.once('close', resolve), c.on('error', () => {}))),
    );
    await proxy.close();
    await Promise.all(ended);
    clients.forEach((c) => c.destroy());
    await expect(connectTo(proxy.port)).rejects.toThrow(/ECONNREFUSED/);
  });
});

/**
 * Faults against a real server: Python's http.server (declared by command, as a repro would),
 * serving a file of known size from its private folder, behind the proxy.
 */
describe('the proxy as a fault injector, in front of a real server', { timeout: 30_000 }, () => {
  const FILE_BYTES = 96 * 1024;
  let web: CommandService;
  beforeAll(async () => {
    web = await startCommandService(
      commandService.parse({
        name: 'web',
        command: 'python3',
        args: ['-m', 'http.server', '{port}', '--bind', '{host}', '--directory', '{dir}'],
      }),
    );
    writeFileSync(join(web.dir, 'file.bin'), randomBytes(FILE_BYTES));
  });
  afterAll(() => web?.stop());

  const faulty = async (faults: FaultRule[], more: Partial<LatencyProxyOptions> = {}) => {
    const proxy = await startLatencyProxy({ upstream: web, upstreamDelayMs: 0, downstreamDelayMs: 0, faults, ...more });
    open.push(proxy);
    return proxy;
  };
  const REQUEST = 'GET /file.bin HTTP/1.0\r\n\r\n';

  /** Sends the request and collects the response until the connection ends, fails or goes quiet. */
  function fetchRaw(port: number, quietMs = 5000): Promise<{ bytes: number; how: string; ms: number; socket: Socket }> {
    return new Promise((resolve, reject) => {
      const started = performance.now();
      let bytes = 0;
      const socket = connect({ host: '127.0.0.1', port, allowHalfOpen: true }, () => socket.write(REQUEST));
      const done = (how: string) => resolve({ bytes, how, ms: performance.now() - started, socket });
      socket.on('data', (d: Buffer) => (bytes += d.length));
      socket.once('end', () => done('end'));
      socket.once('error', (error: NodeJS.ErrnoException) =>
        bytes ? done(error.code ?? error.message) : reject(error),
      );
      socket.setTimeout(quietMs, () => done('timeout'));
    });
  }

  it('a bandwidth limit measurably slows a transfer, and every byte still arrives', async () => {
    const fast = await fetchRaw((await faulty([])).port);
    const slow = await fetchRaw((await faulty([{ direction: 's2c', bytesPerS: 96 * 1024 }])).port);
    for (const result of [fast, slow]) {
      expect(result.how).toBe('end');
      expect(result.bytes).toBeGreaterThan(FILE_BYTES);
    }
    expect(slow.bytes).toBe(fast.bytes);
    // 96 KiB at 96 KiB/s takes about a second; unthrottled on loopback, a few milliseconds.
    expect(slow.ms).toBeGreaterThan(900);
    expect(slow.ms).toBeLessThan(5000);
    expect(slow.ms - fast.ms).toBeGreaterThan(700);
  });

  it('close after N bytes delivers exactly N bytes, then an orderly end (FIN)', async () => {
    const proxy = await faulty([{ direction: 's2c', closeAfterBytes: 1000 }]);
    const result = await fetchRaw(proxy.port);
    expect(result).toMatchObject({ bytes: 1000, how: 'end' });
    expect(proxy.trace.events.filter((e) => e.event === 'fault').map((e) => e.detail)).toEqual([
      'close s2c after 1000 bytes',
    ]);
  });

  it('reset after N bytes makes the client fail with ECONNRESET after exactly N bytes', async () => {
    const proxy = await faulty([{ direction: 's2c', resetAfterBytes: 1000 }]);
    // Python's socket reports the RST that follows data as ConnectionResetError; Node's reports
    // it as an end when data came first (libuv), so the client here is Python's, as in a repro.
    const client = [
      'import socket, sys',
      's = socket.create_connection(("127.0.0.1", int(sys.argv[1])))',
      `s.sendall(${JSON.stringify(REQUEST)}.encode())`,
      'n = 0',
      'try:',
      '    while (chunk := s.recv(65536)):',
      '        n += len(chunk)',
      '    print("end", n)',
      'except ConnectionResetError:',
      '    print("ECONNRESET", n)',
    ].join('\n');
    const result = await new Promise<string>((resolve, reject) =>
      execFile('python3', ['-c', client, String(proxy.port)], { timeout: 10_000 }, (error, stdout) =>
        error ? reject(error) : resolve(stdout.trim()),
      ),
    );
    expect(result).toBe('ECONNRESET 1000');
    // Reset before any byte: a Node client sees it too.
    const early = await faulty([{ direction: 's2c', resetAfterBytes: 0 }]);
    await expect(fetchRaw(early.port)).rejects.toMatchObject({ code: 'ECONNRESET' });
  });

  it('close and reset after N ms act on a quiet connection at that time', async () => {
    const proxy = await faulty([
      { direction: 'both', connections: [1], closeAfterMs: 300 },
      { direction: 'both', connections: [2], resetAfterMs: 300 },
    ]);
    const quiet = (expected: string) =>
      new Promise<{ how: string; ms: number }>((resolve) => {
        const started = performance.now();
        const socket = connect({ host: '127.0.0.1', port: proxy.port, allowHalfOpen: true });
        socket.once('end', () => (socket.destroy(), resolve({ how: 'end', ms: performance.now() - started })));
        socket.once('error', (error: NodeJS.ErrnoException) =>
          resolve({ how: error.code ?? expected, ms: performance.now() - started }),
        );
      });
    const closed = await quiet('end');
    const reset = await quiet('ECONNRESET');
    expect(closed.how).toBe('end');
    expect(reset.how).toBe('ECONNRESET');
    for (const { ms } of [closed, reset]) expect(ms).toBeGreaterThanOrEqual(290);
  });

  it('a stall stops the bytes without closing: the client times out on an open connection', async () => {
    const proxy = await faulty([{ direction: 's2c', stallAfterBytes: 500 }]);
    const result = await fetchRaw(proxy.port, 800);
    expect(result).toMatchObject({ bytes: 500, how: 'timeout' });
    // Still connected: no FIN, no RST, and it can still write to the server.
    expect(result.socket.destroyed).toBe(false);
    expect(result.socket.readyState).toBe('open');
    expect(result.socket.write('more')).toBe(true);
    expect(proxy.trace.events.some((e) => e.event === 'close')).toBe(false);
    expect(decodeTrace(proxy.trace, 50, 'bytes').messages.map((m) => m.text)).toEqual([
      `${REQUEST.length} bytes: GET /file.bin HTTP/1.0\\r\\n\\r\\n`,
      expect.stringMatching(/^\d+ bytes: HTTP\/1\.0 200 OK\\r\\n/),
      ...(proxy.trace.chunks.length > 2 ? [expect.stringMatching(/^\d+ bytes: /)] : []),
      '(fault) stall s2c after 500 bytes',
    ]);
    result.socket.destroy();
  });

  it('refuses new connections for a period, then accepts them; a connection made before stays up', async () => {
    const proxy = await faulty([], { refuse: { afterMs: 300, forMs: 500 } });
    const before = await connectTo(proxy.port);
    await new Promise((resolve) => setTimeout(resolve, 400));
    await expect(connectTo(proxy.port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    // The connection made before the refusal still works.
    const reply = readAll(before);
    before.end(REQUEST);
    expect((await reply).length).toBeGreaterThan(FILE_BYTES);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const after = await fetchRaw(proxy.port);
    expect(after).toMatchObject({ how: 'end' });
    expect(after.bytes).toBeGreaterThan(FILE_BYTES);
    expect(proxy.trace.events.filter((e) => e.conn === 0).map((e) => e.event)).toEqual(['refusing', 'accepting']);
  });

  it("jitter varies each chunk's latency within latency ± jitter, without reordering", async () => {
    const redis = await startRedis();
    onTestFinished(() => redis.stop());
    /** Round trips of 25 ECHOs through a proxy that delays commands by 60 ± 30 ms. */
    const roundTrips = async (random?: () => number) => {
      const proxy = await startLatencyProxy({
        upstream: redis,
        upstreamDelayMs: 0,
        downstreamDelayMs: 0,
        faults: [{ direction: 'c2s', latencyMs: 60, jitterMs: 30 }],
        ...(random ? { random } : {}),
      });
      open.push(proxy);
      const client = await connectTo(proxy.port);
      const rtts: number[] = [];
      for (let i = 0; i < 25; i++) {
        const sent = performance.now();
        const reply = new Promise((resolve) => client.once('data', resolve));
        client.write(encodeCommand(['ECHO', String(i)]));
        await reply;
        rtts.push(performance.now() - sent);
      }
      client.destroy();
      expect(
        decodeTrace(proxy.trace)
          .messages.filter((m) => m.dir === 's2c')
          .map((m) => m.text),
      ).toEqual(Array.from({ length: 25 }, (_, i) => `"${i}"`));
      return rtts.sort((a, b) => a - b);
    };
    // The extremes of the random draw give the bounds: 30 ms and 90 ms (a loaded machine can
    // only add to a timer, so the upper bounds are checked on the median).
    const lowest = await roundTrips(() => 0);
    expect(lowest[0]).toBeGreaterThanOrEqual(29.5);
    expect(lowest[12]).toBeLessThan(60);
    const highest = await roundTrips(() => 0.99999);
    expect(highest[0]).toBeGreaterThanOrEqual(89.5);
    expect(highest[12]).toBeLessThan(120);
    // Real draws stay within them and do vary: 25 draws from a 60 ms window do not all fall within 15 ms.
    const drawn = await roundTrips();
    expect(drawn[0]).toBeGreaterThanOrEqual(29.5);
    expect(drawn[12]).toBeLessThan(90 + 25);
    expect(drawn[20]! - drawn[0]!).toBeGreaterThan(15);
  });
});
