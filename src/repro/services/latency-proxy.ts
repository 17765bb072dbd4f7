/**
 * A TCP proxy that adds latency per direction and records what crossed it. Race conditions
 * in clients (a request cancelled while its reply is in flight) need a reply that is *late*;
 * on loopback it never is. The proxy makes it late, deterministically, and the trace shows
 * which bytes went where and when.
 */
import { createServer, connect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Direction, WireChunk, WireEvent, WireTrace } from '../wire/trace.ts';

export interface LatencyProxyOptions {
  upstream: { host: string; port: number };
  /** Delay added to every chunk from the client to the server. */
  upstreamDelayMs: number;
  /** Delay added to every chunk from the server to the client. */
  downstreamDelayMs: number;
  /** Stop recording chunks beyond this many bytes (forwarding goes on). Default 4 MiB. */
  maxTraceBytes?: number;
  /**
   * The port to listen on; default 0, a free one the OS picks. A given port is for a server
   * that must announce the proxy before the proxy exists (a cluster node's announced port);
   * if it was taken meanwhile, the start fails with EADDRINUSE.
   */
  port?: number;
}

export interface LatencyProxy {
  host: string;
  port: number;
  /** The trace so far (live: it grows while connections are open). */
  readonly trace: WireTrace;
  /** Destroys every connection and stops listening. Safe to call twice. */
  close(): Promise<void>;
}

interface Lane {
  enqueue(data: Buffer): void;
  enqueueEnd(): void;
  cancel(): void;
}

/**
 * Delivers chunks to `dest` in the order they arrived, each no earlier than `delayMs` after
 * it arrived. One timer per lane, always armed for the head of the queue: per-chunk timers
 * could fire out of order when the clock rounds, and reordering bytes would corrupt the stream.
 */
function createLane(source: Socket, dest: Socket, delayMs: number): Lane {
  const queue: { due: number; data?: Buffer }[] = [];
  let lastDue = 0;
  let timer: NodeJS.Timeout | undefined;
  let waitingForDrain = false;

  const deliver = (data: Buffer | undefined) => {
    if (dest.destroyed) return;
    if (!data) {
      dest.end();
      return;
    }
    // Backpressure: a slow reader pauses the sender instead of growing our memory.
    if (!dest.write(data) && !waitingForDrain) {
      waitingForDrain = true;
      source.pause();
      dest.once('drain', () => {
        waitingForDrain = false;
        source.resume();
      });
    }
  };

  const flush = () => {
    timer = undefined;
    const now = performance.now();
    while (queue.length && queue[0]!.due <= now) deliver(queue.shift()!.data);
    arm();
  };

  const arm = () => {
    if (timer || !queue.length) return;
    // setTimeout works in whole ms on a loop clock that may lag; flush() re-arms if early.
    timer = setTimeout(flush, Math.max(1, Math.ceil(queue[0]!.due - performance.now())));
  };

  const push = (data: Buffer | undefined) => {
    const now = performance.now();
    if (delayMs <= 0 && !queue.length) return deliver(data);
    const due = Math.max(now + delayMs, lastDue);
    lastDue = due;
    queue.push({ due, data });
    arm();
  };

  return {
    enqueue: (data) => push(data),
    enqueueEnd: () => push(undefined),
    cancel: () => {
      if (timer) clearTimeout(timer);
      timer = undefined;
      queue.length = 0;
    },
  };
}

/** Starts the proxy on 127.0.0.1 and a free port (or `options.port`), in front of `options.upstream`. */
export async function startLatencyProxy(options: LatencyProxyOptions): Promise<LatencyProxy> {
  const started = performance.now();
  const elapsed = () => Math.round((performance.now() - started) * 1000) / 1000;
  const maxTraceBytes = options.maxTraceBytes ?? 4 * 1024 * 1024;
  const trace: WireTrace = { chunks: [], events: [], droppedChunks: 0 };
  let tracedBytes = 0;
  let nextConn = 0;
  const sockets = new Set<Socket>();
  const lanes = new Set<Lane>();
  let closed = false;

  const record = (conn: number, dir: Direction, data: Buffer) => {
    if (tracedBytes + data.length > maxTraceBytes) {
      trace.droppedChunks++;
      return;
    }
    tracedBytes += data.length;
    const chunk: WireChunk = { conn, dir, t: elapsed(), bytes: data.toString('base64') };
    trace.chunks.push(chunk);
  };
  const event = (conn: number, what: WireEvent['event'], detail?: string) => {
    trace.events.push(detail ? { conn, t: elapsed(), event: what, detail } : { conn, t: elapsed(), event: what });
  };

  const server = createServer({ allowHalfOpen: true }, (client) => {
    if (closed) return client.destroy();
    const conn = ++nextConn;
    // allowHalfOpen on both sockets: a client that shuts down its write side must still get
    // the (delayed) replies; the FIN is forwarded after the data that preceded it.
    const upstream = connect({ host: options.upstream.host, port: options.upstream.port, allowHalfOpen: true });
    sockets.add(client).add(upstream);
    const c2s = createLane(client, upstream, options.upstreamDelayMs);
    const s2c = createLane(upstream, client, options.downstreamDelayMs);
    lanes.add(c2s).add(s2c);
    event(conn, 'open');

    client.on('data', (data: Buffer) => {
      record(conn, 'c2s', data);
      c2s.enqueue(data);
    });
    upstream.on('data', (data: Buffer) => {
      record(conn, 's2c', data);
      s2c.enqueue(data);
    });
    client.on('end', () => {
      event(conn, 'end-c2s');
      c2s.enqueueEnd();
    });
    upstream.on('end', () => {
      event(conn, 'end-s2c');
      s2c.enqueueEnd();
    });
    // An error (reset, refused) on one side means the byte stream is broken: tear down both.
    const fail = (side: string) => (error: Error) => {
      event(conn, 'error', `${side}: ${error.message}`);
      c2s.cancel();
      s2c.cancel();
      client.destroy();
      upstream.destroy();
    };
    client.on('error', fail('client'));
    upstream.on('error', fail('upstream'));
    let open = 2;
    const onClose = (socket: Socket) => () => {
      sockets.delete(socket);
      if (--open === 0) {
        lanes.delete(c2s);
        lanes.delete(s2c);
        event(conn, 'close');
      }
    };
    client.on('close', onClose(client));
    upstream.on('close', onClose(upstream));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('latency proxy: no TCP address after listen');

  return {
    host: '127.0.0.1',
    port: address.port,
    trace,
    close: () => {
      if (closed) return Promise.resolve();
      closed = true;
      for (const lane of lanes) lane.cancel();
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
