/**
 * The registry of wire decoders: how the proxy's chunks become the messages a trace shows.
 * `resp` parses Redis messages; `bytes` shows each chunk with its size and a preview. A repro
 * picks one per service or with `proxy.decoder`; a new protocol is one `registerDecoder` call.
 */
import type { WireDecoderName } from '../../schemas/repro.ts';
import { describeChunk } from './bytes.ts';
import { describeFrame, RespDecoder } from './resp.ts';

/** `c2s`: client to server; `s2c`: server to client (as in ./trace.ts, which imports this file). */
export type Direction = 'c2s' | 's2c';

/** Decodes one direction of one connection: each chunk in, the messages it completed out. */
export interface StreamDecoder {
  push(chunk: Uint8Array): string[];
}

export interface WireDecoder {
  name: string;
  /** One line for error messages and docs. */
  summary: string;
  /** A fresh decoder for one (connection, direction): protocols keep state across chunks. */
  create(dir: Direction): StreamDecoder;
}

const registry = new Map<string, WireDecoder>();

/** Adds (or replaces) a decoder under its name. */
export function registerDecoder(decoder: WireDecoder): void {
  registry.set(decoder.name, decoder);
}

/** The names of every registered decoder, in registration order. */
export function decoderNames(): string[] {
  return [...registry.keys()];
}

/** The decoder called `name`; an unknown name is an error that lists the known ones. */
export function getDecoder(name: string): WireDecoder {
  const decoder = registry.get(name);
  if (!decoder) throw new Error(`no wire decoder "${name}": known decoders are ${decoderNames().join(', ')}`);
  return decoder;
}

registerDecoder({
  name: 'resp' satisfies WireDecoderName,
  summary: 'Redis messages (RESP2/RESP3), in the style of redis-cli',
  create(dir) {
    const decoder = new RespDecoder();
    return {
      push: (chunk) => decoder.push(chunk).map((frame) => describeFrame(frame, dir === 'c2s' ? 'command' : 'reply')),
    };
  },
});

registerDecoder({
  name: 'bytes' satisfies WireDecoderName,
  summary: 'each chunk as it crossed the proxy: its size and a printable preview',
  create: () => ({ push: (chunk) => [describeChunk(chunk)] }),
});
