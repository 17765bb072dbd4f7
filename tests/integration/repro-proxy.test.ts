/** The latency proxy against real sockets: exact bytes, real delays, order, trace, half-close. */
import { randomBytes } from 'node:crypto';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import { startLatencyProxy, type LatencyProxy } from '../../src/repro/services/latency-proxy.ts';

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
    const [gotDown, gotUp] = await Promise.all([receivedDown, (async () => { while (!receivedUp) await new Promise((r) => setTimeout(r, 5)); return receivedUp; })()]);
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
    await new Promise((resolve) => (client.once('end', resolve), client.once('close', resolve), client.on('error', () => {})));
    client.destroy();
    expect(proxy.trace.events.find((e) => e.event === 'error')?.detail).toMatch(/ECONNREFUSED/);
  });

  it('close() destroys every open connection and stops listening', async () => {
    const { port } = await upstream(() => {});
    const proxy = await proxyTo(port, 0, 0);
    const clients = await Promise.all([connectTo(proxy.port), connectTo(proxy.port)]);
    // FIN ('end' on a half-open-capable socket) or RST ('close'): either way, disconnected.
    const ended = clients.map((c) => new Promise((resolve) => (c.once('end', resolve), c.once('close', resolve), c.on('error', () => {}))));
    await proxy.close();
    await Promise.all(ended);
    clients.forEach((c) => c.destroy());
    await expect(connectTo(proxy.port)).rejects.toThrow(/ECONNREFUSED/);
  });
});
