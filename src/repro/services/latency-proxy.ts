/**
 * A TCP proxy that injects faults per direction and per connection, and records what crossed
 * it. Race conditions in clients (a request cancelled while its reply is in flight) need a
 * reply that is *late*; on loopback it never is. Clients that must survive a bad network need
 * one that is slow, cut, reset or silent. The proxy makes that happen deterministically:
 * latency and jitter, a bandwidth limit, a close or reset after N bytes or N ms, a stall (no
 * more bytes, connection left open), and refusing new connections for a while. The trace shows
 * which bytes went where and when, and where each fault struck.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Direction, WireChunk, WireEvent, WireTrace } from '../wire/trace.ts';

/** What to do to the bytes of some connections in some direction (amounts resolved to numbers). */
export interface FaultRule {
  direction: Direction | 'both';
  /** Connection numbers (1 = the first accepted); undefined: every connection. */
  connections?: readonly number[];
  latencyMs?: number;
  /** Each chunk's latency is latencyMs ± jitterMs, uniformly; bytes are never reordered. */
  jitterMs?: number;
  bytesPerS?: number;
  closeAfterBytes?: number;
  closeAfterMs?: number;
  resetAfterBytes?: number;
  resetAfterMs?: number;
  stallAfterBytes?: number;
  stallAfterMs?: number;
}

/** New connections are refused (ECONNREFUSED) from `afterMs` after the start, for `forMs`. */
export interface RefuseWindow {
  afterMs: number;
  forMs: number;
}

export interface LatencyProxyOptions {
  upstream: { host: string; port: number };
  /** Delay added to every chunk from the client to the server. */
  upstreamDelayMs: number;
  /** Delay added to every chunk from the server to the client. */
  downstreamDelayMs: number;
  faults?: readonly FaultRule[];
  refuse?: RefuseWindow;
  /** Source of randomness for jitter, in [0, 1). Default Math.random. */
  random?: () => number;
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

/** One direction of one connection, with every fault that selects it combined. */
export interface LanePlan {
  delayMs: number;
  jitterMs: number;
  /** Undefined: unlimited. */
  bytesPerS?: number;
  /** The first byte-count fault: after `bytes` forwarded bytes, do `action`. */
  cut?: { bytes: number; action: CutAction };
  /** The first time fault on this direction, from the connection's opening. */
  timed?: { ms: number; action: CutAction };
}

type CutAction = 'close' | 'reset' | 'stall';

const minOf = (values: (number | undefined)[]) => {
  const defined = values.filter((v): v is number => v !== undefined);
  return defined.length ? Math.min(...defined) : undefined;
};

/** The earliest trigger among close, reset and stall; on a tie, reset beats close beats stall. */
function earliest(triggers: [CutAction, number | undefined][]): { at: number; action: CutAction } | undefined {
  let best: { at: number; action: CutAction } | undefined;
  for (const [action, at] of triggers) if (at !== undefined && (!best || at < best.at)) best = { at, action };
  return best;
}

/**
 * What the faults mean for one direction of connection `conn`: latencies and jitters add up
 * (with the base delay), the lowest bandwidth wins, and the earliest close/reset/stall wins.
 */
export function planLane(faults: readonly FaultRule[], conn: number, dir: Direction, baseDelayMs: number): LanePlan {
  const rules = faults.filter(
    (f) => (f.direction === 'both' || f.direction === dir) && (!f.connections || f.connections.includes(conn)),
  );
  const sum = (key: 'latencyMs' | 'jitterMs') => rules.reduce((total, f) => total + (f[key] ?? 0), 0);
  const min = (key: keyof FaultRule) => minOf(rules.map((f) => f[key] as number | undefined));
  const cut = earliest([
    ['reset', min('resetAfterBytes')],
    ['close', min('closeAfterBytes')],
    ['stall', min('stallAfterBytes')],
  ]);
  const timed = earliest([
    ['reset', min('resetAfterMs')],
    ['close', min('closeAfterMs')],
    ['stall', min('stallAfterMs')],
  ]);
  const bytesPerS = min('bytesPerS');
  return {
    delayMs: baseDelayMs + sum('latencyMs'),
    jitterMs: sum('jitterMs'),
    ...(bytesPerS !== undefined ? { bytesPerS } : {}),
    ...(cut ? { cut: { bytes: cut.at, action: cut.action } } : {}),
    ...(timed ? { timed: { ms: timed.at, action: timed.action } } : {}),
  };
}

interface Lane {
  /**
   * Queues a chunk; `accepted` first learns the part that will be forwarded (a cut may keep
   * only a prefix), so the trace shows it before the fault it triggers.
   */
  enqueue(data: Buffer, accepted: (part: Buffer) => void): void;
  enqueueEnd(): void;
  /** Forwards nothing more, now; the source is no longer read. */
  stall(): void;
  cancel(): void;
}

/** A queued delivery: bytes, the end of the stream, or the cut that follows the last bytes. */
type Item = { due: number; data: Buffer } | { due: number; end: true } | { due: number; cut: CutAction };

/** Above this many queued bytes the source is paused, as TCP would push back on a slow link. */
const QUEUE_HIGH = 256 * 1024;

/**
 * Delivers chunks to `dest` in the order they arrived, each no earlier than its delay after it
 * arrived and, with a bandwidth limit, no earlier than the link could have carried it. One timer
 * per lane, always armed for the head of the queue: per-chunk timers could fire out of order
 * when the clock rounds, and reordering bytes would corrupt the stream.
 */
function createLane(
  source: Socket,
  dest: Socket,
  plan: LanePlan,
  random: () => number,
  onCut: (action: CutAction, forwarded: number) => void,
): Lane {
  const queue: Item[] = [];
  let queuedBytes = 0;
  let lastDue = 0;
  let forwarded = 0;
  let timer: NodeJS.Timeout | undefined;
  let done = false; // cut, stalled or cancelled: nothing more goes through
  const pausedFor = new Set<'drain' | 'queue' | 'stall'>();
  const setPaused = (reason: 'drain' | 'queue' | 'stall', on: boolean) => {
    if (on) pausedFor.add(reason);
    else pausedFor.delete(reason);
    if (pausedFor.size) source.pause();
    else if (!source.destroyed) source.resume();
  };

  const deliver = (item: Item) => {
    if ('cut' in item) return onCut(item.cut, forwarded);
    if (dest.destroyed) return;
    if ('end' in item) return void dest.end();
    queuedBytes -= item.data.length;
    if (queuedBytes < QUEUE_HIGH / 2) setPaused('queue', false);
    // Backpressure: a slow reader pauses the sender instead of growing our memory.
    if (!dest.write(item.data) && !pausedFor.has('drain')) {
      setPaused('drain', true);
      dest.once('drain', () => setPaused('drain', false));
    }
  };

  const flush = () => {
    timer = undefined;
    const now = performance.now();
    while (queue.length && queue[0]!.due <= now) deliver(queue.shift()!);
    arm();
  };

  const arm = () => {
    if (timer || !queue.length) return;
    // setTimeout works in whole ms on a loop clock that may lag; flush() re-arms if early.
    timer = setTimeout(flush, Math.max(1, Math.ceil(queue[0]!.due - performance.now())));
  };

  /** When the next item may leave: its delay (± jitter) after now, never before the previous one. */
  const startAt = () => {
    const jitter = plan.jitterMs ? (random() * 2 - 1) * plan.jitterMs : 0;
    return Math.max(performance.now() + Math.max(0, plan.delayMs + jitter), lastDue);
  };

  const push = (item: Item) => {
    if (!queue.length && item.due <= performance.now() && !timer) return deliver(item);
    queue.push(item);
    arm();
  };

  const pushData = (data: Buffer) => {
    if (!data.length) return;
    queuedBytes += data.length;
    if (queuedBytes > QUEUE_HIGH) setPaused('queue', true);
    if (!plan.bytesPerS) {
      lastDue = startAt();
      return push({ due: lastDue, data });
    }
    // A limited link carries a piece at a time; ~50 pieces a second keep the flow smooth.
    const piece = Math.max(1, Math.floor(plan.bytesPerS / 50));
    let due = startAt();
    for (let offset = 0; offset < data.length; offset += piece) {
      const part = data.subarray(offset, offset + piece);
      due += (part.length * 1000) / plan.bytesPerS;
      push({ due, data: part });
    }
    lastDue = due;
  };

  return {
    enqueue(data, accepted) {
      if (done) return;
      const cut = plan.cut;
      if (cut && forwarded + data.length >= cut.bytes) {
        const head = data.subarray(0, Math.max(0, cut.bytes - forwarded));
        forwarded += head.length;
        done = true;
        accepted(head);
        pushData(head);
        if (cut.action === 'stall') setPaused('stall', true);
        push({ due: Math.max(lastDue, performance.now()), cut: cut.action });
        return;
      }
      forwarded += data.length;
      accepted(data);
      pushData(data);
    },
    enqueueEnd() {
      if (done) return;
      push({ due: Math.max(lastDue, startAt()), end: true });
    },
    stall() {
      done = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      queue.length = 0;
      setPaused('stall', true);
    },
    cancel() {
      done = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      queue.length = 0;
    },
  };
}

/** What the proxy's connections share: its options, its trace and what close() must stop. */
interface ProxyState {
  options: LatencyProxyOptions;
  faults: readonly FaultRule[];
  random: () => number;
  sockets: Set<Socket>;
  connections: Set<{ cancel(): void }>;
  servers: Set<Server>;
  timers: Set<NodeJS.Timeout>;
  closed: boolean;
  nextConn: number;
  record(conn: number, dir: Direction, data: Buffer): void;
  event(conn: number, what: WireEvent['event'], detail?: string, dir?: Direction): void;
}

/** Starts the proxy on 127.0.0.1 and a free port (or `options.port`), in front of `options.upstream`. */
export async function startLatencyProxy(options: LatencyProxyOptions): Promise<LatencyProxy> {
  const started = performance.now();
  const elapsed = () => Math.round((performance.now() - started) * 1000) / 1000;
  const maxTraceBytes = options.maxTraceBytes ?? 4 * 1024 * 1024;
  const trace: WireTrace = { chunks: [], events: [], droppedChunks: 0 };
  let tracedBytes = 0;
  const state: ProxyState = {
    options,
    faults: options.faults ?? [],
    random: options.random ?? Math.random,
    sockets: new Set(),
    connections: new Set(),
    servers: new Set(),
    timers: new Set(),
    closed: false,
    nextConn: 0,
    record(conn, dir, data) {
      if (!data.length) return;
      if (tracedBytes + data.length > maxTraceBytes) {
        trace.droppedChunks++;
        return;
      }
      tracedBytes += data.length;
      const chunk: WireChunk = { conn, dir, t: elapsed(), bytes: data.toString('base64') };
      trace.chunks.push(chunk);
    },
    event(conn, what, detail, dir) {
      trace.events.push({ conn, t: elapsed(), event: what, ...(dir ? { dir } : {}), ...(detail ? { detail } : {}) });
    },
  };
  const first = await listen(state, options.port ?? 0);
  const address = first.address();
  if (!address || typeof address === 'string') throw new Error('latency proxy: no TCP address after listen');
  const port = address.port;
  if (options.refuse && options.refuse.forMs > 0) scheduleRefusal(state, port, options.refuse);
  return {
    host: '127.0.0.1',
    port,
    trace,
    close: () => {
      if (state.closed) return Promise.resolve();
      state.closed = true;
      for (const timer of state.timers) clearTimeout(timer);
      for (const connection of state.connections) connection.cancel();
      for (const socket of state.sockets) socket.destroy();
      return Promise.all(
        [...state.servers].map((server) => new Promise<void>((resolve) => server.close(() => resolve()))),
      ).then(() => undefined);
    },
  };
}

function listen(state: ProxyState, port: number): Promise<Server> {
  return new Promise<Server>((resolve, reject) => {
    const server = createServer({ allowHalfOpen: true }, (client) => proxyConnection(state, client));
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      state.servers.add(server);
      resolve(server);
    });
  });
}

/** Stops accepting connections for `forMs` after `afterMs`; connections already accepted carry on. */
function scheduleRefusal(state: ProxyState, port: number, { afterMs, forMs }: { afterMs: number; forMs: number }) {
  const refuse = () => {
    if (state.closed) return;
    for (const server of [...state.servers]) {
      state.servers.delete(server);
      server.close();
    }
    state.event(0, 'refusing', `for ${forMs} ms`);
    const later = setTimeout(() => {
      state.timers.delete(later);
      if (state.closed) return;
      listen(state, port).then(
        () => state.event(0, 'accepting'),
        (error: Error) => state.event(0, 'error', `could not listen again on port ${port}: ${error.message}`),
      );
    }, forMs);
    state.timers.add(later);
  };
  if (afterMs <= 0) refuse();
  else {
    const at = setTimeout(() => (state.timers.delete(at), refuse()), afterMs);
    state.timers.add(at);
  }
}

/** One client connection: its own upstream connection, a lane each way with its delays and faults. */
function proxyConnection(state: ProxyState, client: Socket): void {
  if (state.closed) return void client.destroy();
  const { options, event, record } = state;
  const conn = ++state.nextConn;
  // allowHalfOpen on both sockets: a client that shuts down its write side must still get
  // the (delayed) replies; the FIN is forwarded after the data that preceded it.
  const upstream = connect({ host: options.upstream.host, port: options.upstream.port, allowHalfOpen: true });
  state.sockets.add(client).add(upstream);
  const connTimers: NodeJS.Timeout[] = [];
  let ended = false;
  const finish = (action: 'close' | 'reset') => {
    if (ended) return;
    ended = true;
    c2s.cancel();
    s2c.cancel();
    for (const socket of [client, upstream]) {
      if (action === 'reset') socket.resetAndDestroy();
      else socket.destroySoon();
    }
  };
  const cut = (dir: Direction) => (action: CutAction, detail: string) => {
    event(conn, 'fault', `${action} ${dir} ${detail}`, dir);
    if (action === 'stall') (dir === 'c2s' ? c2s : s2c).stall();
    else finish(action);
  };
  const plans = {
    c2s: planLane(state.faults, conn, 'c2s', options.upstreamDelayMs),
    s2c: planLane(state.faults, conn, 's2c', options.downstreamDelayMs),
  };
  const c2s = createLane(client, upstream, plans.c2s, state.random, (action, n) =>
    cut('c2s')(action, `after ${n} bytes`),
  );
  const s2c = createLane(upstream, client, plans.s2c, state.random, (action, n) =>
    cut('s2c')(action, `after ${n} bytes`),
  );
  const handle = {
    cancel: () => {
      c2s.cancel();
      s2c.cancel();
      connTimers.forEach(clearTimeout);
    },
  };
  state.connections.add(handle);
  event(conn, 'open');
  for (const dir of ['c2s', 's2c'] as const) {
    const timed = plans[dir].timed;
    if (timed) connTimers.push(setTimeout(() => cut(dir)(timed.action, `after ${timed.ms} ms`), timed.ms));
  }

  client.on('data', (data: Buffer) => c2s.enqueue(data, (part) => record(conn, 'c2s', part)));
  upstream.on('data', (data: Buffer) => s2c.enqueue(data, (part) => record(conn, 's2c', part)));
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
    handle.cancel();
    client.destroy();
    upstream.destroy();
  };
  client.on('error', fail('client'));
  upstream.on('error', fail('upstream'));
  let open = 2;
  const onClose = (socket: Socket) => () => {
    state.sockets.delete(socket);
    if (--open === 0) {
      handle.cancel();
      state.connections.delete(handle);
      event(conn, 'close');
    }
  };
  client.on('close', onClose(client));
  upstream.on('close', onClose(upstream));
}
