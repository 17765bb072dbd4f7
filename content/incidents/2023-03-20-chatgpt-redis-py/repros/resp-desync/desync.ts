/**
 * The bug without redis-py: a minimal RESP client on one socket, and three ways to handle a
 * caller that gives up while its reply is still in flight. Runs against a real redis-server
 * behind the latency proxy (REDIS_HOST/REDIS_PORT), so the reply is always late.
 *
 *   STRATEGY=naive                 forget the waiting caller; the next caller gets its reply
 *   STRATEGY=disconnect-on-cancel  close the connection; the next caller gets a fresh one (4.5.5)
 *   STRATEGY=shield                let the caller go at once, but keep reading its reply on the
 *                                  connection and throw it away (4.4.4/4.5.4)
 */
import { connect, type Socket } from 'node:net';

type Strategy = 'naive' | 'disconnect-on-cancel' | 'shield';
const strategy = (process.env.STRATEGY ?? 'naive') as Strategy;
const host = process.env.REDIS_HOST ?? '127.0.0.1';
const port = Number(process.env.REDIS_PORT ?? 6379);

function encode(args: string[]): string {
  return `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`;
}

/** Reads one simple string, error, integer or bulk string; returns undefined until complete. */
function parseReply(buffer: string): { value: string | null; rest: string } | undefined {
  const end = buffer.indexOf('\r\n');
  if (end < 0) return undefined;
  const head = buffer.slice(0, end);
  const type = head[0];
  if (type === '+' || type === ':' || type === '-') return { value: head.slice(1), rest: buffer.slice(end + 2) };
  if (type === '$') {
    const length = Number(head.slice(1));
    if (length < 0) return { value: null, rest: buffer.slice(end + 2) };
    if (buffer.length < end + 2 + length + 2) return undefined;
    return { value: buffer.slice(end + 2, end + 2 + length), rest: buffer.slice(end + 2 + length + 2) };
  }
  throw new Error(`unexpected reply type ${JSON.stringify(type)}`);
}

class TinyClient {
  private socket: Socket | undefined;
  private buffer = '';
  /** Callers waiting for replies, in the order their commands were sent. */
  private waiting: ((reply: string | null) => void)[] = [];

  private connection(): Socket {
    if (this.socket && !this.socket.destroyed) return this.socket;
    const socket = connect({ host, port });
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      for (let reply = parseReply(this.buffer); reply; reply = parseReply(this.buffer)) {
        this.buffer = reply.rest;
        this.waiting.shift()?.(reply.value);
      }
    });
    socket.on('error', () => {});
    this.buffer = '';
    this.waiting = [];
    this.socket = socket;
    return socket;
  }

  /** Sends a command; `onSent` runs once its bytes are written to the socket. */
  command(args: string[], signal?: AbortSignal, onSent?: () => void): Promise<string | null> {
    const socket = this.connection();
    return new Promise((resolve, reject) => {
      let settled = false;
      const waiter = (reply: string | null) => {
        if (settled) return;
        settled = true;
        resolve(reply);
      };
      this.waiting.push(waiter);
      // Listen before writing: `onSent` may abort as soon as the write completes.
      signal?.addEventListener('abort', () => {
        if (settled) return;
        if (strategy === 'naive') {
          // The bug: the caller leaves and takes its place in the queue with it, but its reply
          // is still coming, and will be handed to whoever is first in line when it arrives.
          settled = true;
          this.waiting = this.waiting.filter((w) => w !== waiter);
          reject(new Error('cancelled'));
        } else if (strategy === 'disconnect-on-cancel') {
          // The 4.5.5 approach: a reply that nobody will read must not stay on the connection.
          settled = true;
          socket.destroy();
          this.socket = undefined;
          reject(new Error('cancelled'));
        } else {
          // The shield approach: the caller leaves now, but its place in the queue stays, so its
          // reply is read and thrown away before the next caller's.
          settled = true;
          this.waiting[this.waiting.indexOf(waiter)] = () => {};
          reject(new Error('cancelled'));
        }
      });
      socket.write(encode(args), () => onSent?.());
    });
  }

  close() {
    this.socket?.destroy();
  }
}

const client = new TinyClient();
try {
  console.log(`strategy ${strategy}: the GET is cancelled once it has been sent`);
  await client.command(['SET', 'owner:alice', 'alice-data']);
  await client.command(['SET', 'owner:bob', 'bob-data']);

  const controller = new AbortController();
  const started = performance.now();
  const outcome = await client
    .command(['GET', 'owner:alice'], controller.signal, () => controller.abort())
    .then(
      () => 'finished',
      () => 'cancelled',
    );
  console.log(`the GET was ${outcome} ${Math.round(performance.now() - started)} ms after it was sent`);
  if (outcome === 'finished') {
    console.log('MISSED: the reply arrived before the cancellation; nothing to show');
    process.exit(0);
  }

  const asked = performance.now();
  const answer = await client.command(['GET', 'owner:bob']);
  console.log(`the next GET took ${Math.round(performance.now() - asked)} ms`);
  if (answer === 'bob-data') console.log('NO-LEAK: the next GET returned its own value');
  else console.log(`LEAK: GET owner:bob returned ${JSON.stringify(answer)}, the reply meant for the cancelled GET`);
} finally {
  client.close();
}
