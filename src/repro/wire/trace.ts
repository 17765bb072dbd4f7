/**
 * Wire traces: what the latency proxy saw, chunk by chunk, and the same decoded into Redis
 * messages per connection. The decoded form is what results.json keeps and the site shows.
 */
import type { DecodedMessage, DecodedTrace } from '../../schemas/repro-results.ts';
import { describeFrame, RespDecoder } from './resp.ts';

export type Direction = 'c2s' | 's2c';

/** One chunk as it arrived at the proxy. */
export interface WireChunk {
  /** Connection id, 1 for the first connection the proxy accepted. */
  conn: number;
  /** `c2s`: client to server (a command); `s2c`: server to client (a reply). */
  dir: Direction;
  /** Milliseconds since the proxy started, when the chunk was received. */
  t: number;
  /** The bytes, base64, so binary payloads survive JSON exactly. */
  bytes: string;
}

/** A connection event that is not data: opened, one side half-closed, closed, failed. */
export interface WireEvent {
  conn: number;
  t: number;
  event: 'open' | 'end-c2s' | 'end-s2c' | 'close' | 'error';
  detail?: string;
}

export interface WireTrace {
  chunks: WireChunk[];
  events: WireEvent[];
  /** Chunks not recorded because the trace reached its size limit. */
  droppedChunks: number;
}

export const EMPTY_TRACE: DecodedTrace = { messages: [], omitted: 0 };

/**
 * Decodes a wire trace into Redis messages, in arrival order across connections (the order
 * in which an interleaving bug would have seen them). Each (connection, direction) gets its
 * own decoder, so a reply split across chunks comes out as one message.
 */
export function decodeTrace(trace: WireTrace, maxMessages = 200): DecodedTrace {
  const decoders = new Map<string, RespDecoder>();
  const messages: DecodedMessage[] = [];
  let omitted = trace.droppedChunks;
  for (const chunk of [...trace.chunks].sort((a, b) => a.t - b.t)) {
    const key = `${chunk.conn}/${chunk.dir}`;
    let decoder = decoders.get(key);
    if (!decoder) decoders.set(key, (decoder = new RespDecoder()));
    for (const frame of decoder.push(Buffer.from(chunk.bytes, 'base64'))) {
      if (messages.length >= maxMessages) {
        omitted++;
        continue;
      }
      messages.push({ conn: chunk.conn, dir: chunk.dir, t: chunk.t, text: describeFrame(frame, chunk.dir === 'c2s' ? 'command' : 'reply') });
    }
  }
  return { messages, omitted };
}

/** The decoded messages of each connection, keyed by connection id. */
export function messagesByConnection(trace: DecodedTrace): Map<number, DecodedMessage[]> {
  const byConn = new Map<number, DecodedMessage[]>();
  for (const message of trace.messages) {
    const list = byConn.get(message.conn) ?? [];
    list.push(message);
    byConn.set(message.conn, list);
  }
  return byConn;
}
