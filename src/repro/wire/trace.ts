/**
 * Wire traces: what the proxy saw, chunk by chunk, and the same decoded into messages per
 * connection by a decoder from ./decoders.ts (Redis messages, or sized byte chunks), with the
 * faults the proxy injected. The decoded form is what results.json keeps and the site shows.
 */
import type { DecodedMessage, DecodedTrace } from '../../schemas/repro-results.ts';
import { getDecoder, type StreamDecoder } from './decoders.ts';

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

/**
 * A connection event that is not data: opened, one side half-closed, closed, failed, a fault
 * the proxy injected (with the direction it hit), or the proxy refusing connections (conn 0).
 */
export interface WireEvent {
  conn: number;
  t: number;
  event: 'open' | 'end-c2s' | 'end-s2c' | 'close' | 'error' | 'fault' | 'refusing' | 'accepting';
  dir?: Direction;
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
 * Decodes a wire trace into messages, in arrival order across connections (the order in which
 * an interleaving bug would have seen them). Each (connection, direction) gets its own decoder,
 * so a reply split across chunks comes out as one message. Injected faults appear where they
 * happened, as `(fault) …` messages in the direction they hit.
 */
export function decodeTrace(trace: WireTrace, maxMessages = 200, decoderName = 'resp'): DecodedTrace {
  const decoder = getDecoder(decoderName);
  const decoders = new Map<string, StreamDecoder>();
  const messages: DecodedMessage[] = [];
  let omitted = trace.droppedChunks;
  const add = (message: DecodedMessage) => {
    if (messages.length >= maxMessages) omitted++;
    else messages.push(message);
  };
  const faults = trace.events.filter((e) => e.event === 'fault' && e.dir);
  const items = [
    ...trace.chunks.map((chunk) => ({ t: chunk.t, chunk })),
    ...faults.map((fault) => ({ t: fault.t, fault })),
  ];
  // Stable sort: a fault recorded after the chunk that triggered it stays after it.
  for (const item of items.sort((a, b) => a.t - b.t)) {
    if ('fault' in item) {
      add({
        conn: item.fault.conn,
        dir: item.fault.dir!,
        t: item.fault.t,
        text: `(fault) ${item.fault.detail ?? 'injected'}`,
      });
      continue;
    }
    const { chunk } = item;
    const key = `${chunk.conn}/${chunk.dir}`;
    let stream = decoders.get(key);
    if (!stream) decoders.set(key, (stream = decoder.create(chunk.dir)));
    for (const text of stream.push(Buffer.from(chunk.bytes, 'base64')))
      add({ conn: chunk.conn, dir: chunk.dir, t: chunk.t, text });
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
