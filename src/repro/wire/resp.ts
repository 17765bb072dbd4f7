/**
 * A streaming RESP2/RESP3 decoder: turns the bytes one side of a Redis connection sent into
 * frames, however the bytes were split into TCP chunks. Pure (no I/O), so the wire trace of a
 * repro can be decoded after the fact, and so it is cheap to unit test.
 */
import { shorten } from '../../domain/text.ts';

export type RespFrame =
  | { kind: 'simple'; text: string }
  | { kind: 'error'; text: string }
  | { kind: 'integer'; text: string }
  | { kind: 'double'; text: string }
  | { kind: 'bignum'; text: string }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'nil' }
  | { kind: 'bulk'; data: Uint8Array }
  | { kind: 'blob-error'; data: Uint8Array }
  | { kind: 'verbatim'; format: string; data: Uint8Array }
  | { kind: 'array' | 'set' | 'push'; items: RespFrame[] }
  | { kind: 'map' | 'attribute'; entries: [RespFrame, RespFrame][] }
  /** A command sent without RESP framing (`PING\r\n`), as redis-cli's inline protocol allows. */
  | { kind: 'inline'; words: string[] }
  /** Bytes that are not RESP; the decoder skips to the next line and carries on. */
  | { kind: 'invalid'; text: string };

// Deeper nesting than this is not something Redis sends; it is garbage we should not recurse on.
const MAX_DEPTH = 64;
const CR = 13;
const LF = 10;

type Parsed = { frame: RespFrame; end: number } | undefined;

const utf8 = new TextDecoder('utf-8');
const latin1 = new TextDecoder('latin1');

/**
 * Feed it chunks with {@link RespDecoder.push}; each call returns the frames completed by that
 * chunk. A frame split over several chunks comes out once, when its last byte arrives.
 */
export class RespDecoder {
  private buffer: Uint8Array = new Uint8Array(0);

  /** Appends a chunk and returns every frame it completed, in order. */
  push(chunk: Uint8Array): RespFrame[] {
    this.buffer = this.buffer.length ? concat(this.buffer, chunk) : chunk;
    const frames: RespFrame[] = [];
    let offset = 0;
    while (offset < this.buffer.length) {
      const parsed = parseFrame(this.buffer, offset, 0);
      if (!parsed) break;
      frames.push(parsed.frame);
      offset = parsed.end;
    }
    // Keep only the unfinished tail; copying it keeps the old chunk collectable.
    this.buffer = offset === 0 ? this.buffer : this.buffer.slice(offset);
    return frames;
  }

  /** Bytes received that do not yet form a complete frame. */
  get pending(): number {
    return this.buffer.length;
  }
}

/** Decodes a complete byte string into frames (convenience for tests and one-shot replies). */
export function decodeAll(bytes: Uint8Array): RespFrame[] {
  return new RespDecoder().push(bytes);
}

/** Encodes a command the way every client does: an array of bulk strings. */
export function encodeCommand(args: readonly string[]): Uint8Array {
  const parts = [`*${args.length}\r\n`];
  for (const arg of args) parts.push(`$${Buffer.byteLength(arg)}\r\n${arg}\r\n`);
  return Buffer.from(parts.join(''));
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/** Index of the CR of the next CRLF at or after `from`, or -1 when the line is not complete. */
function lineEnd(buf: Uint8Array, from: number): number {
  for (let i = from; i < buf.length - 1; i++) if (buf[i] === CR && buf[i + 1] === LF) return i;
  return -1;
}

function parseFrame(buf: Uint8Array, start: number, depth: number): Parsed {
  const eol = lineEnd(buf, start);
  if (eol < 0) return undefined;
  const type = String.fromCharCode(buf[start]!);
  const line = latin1.decode(buf.subarray(start + 1, eol));
  const next = eol + 2;
  if (depth > MAX_DEPTH) return { frame: { kind: 'invalid', text: 'nesting too deep' }, end: next };
  switch (type) {
    case '+':
      return { frame: { kind: 'simple', text: utf8.decode(buf.subarray(start + 1, eol)) }, end: next };
    case '-':
      return { frame: { kind: 'error', text: utf8.decode(buf.subarray(start + 1, eol)) }, end: next };
    case ':':
      return { frame: { kind: 'integer', text: line }, end: next };
    case ',':
      return { frame: { kind: 'double', text: line }, end: next };
    case '(':
      return { frame: { kind: 'bignum', text: line }, end: next };
    case '#':
      return { frame: { kind: 'boolean', value: line === 't' }, end: next };
    case '_':
      return { frame: { kind: 'nil' }, end: next };
    case '$':
    case '!':
    case '=':
      return parseBlob(buf, type, line, next);
    case '*':
    case '~':
    case '>':
      return parseAggregate(buf, type, line, next, depth);
    case '%':
    case '|':
      return parseMap(buf, type, line, next, depth);
    default:
      return { frame: inline(buf.subarray(start, eol)), end: next };
  }
}

function parseBlob(buf: Uint8Array, type: string, line: string, next: number): Parsed {
  const length = Number(line);
  if (!Number.isInteger(length) || length < -1)
    return { frame: { kind: 'invalid', text: `${type}${line}` }, end: next };
  if (length === -1) return { frame: { kind: 'nil' }, end: next };
  // The payload is followed by its own CRLF; wait until both have arrived.
  if (buf.length < next + length + 2) return undefined;
  const data = buf.slice(next, next + length);
  const end = next + length + 2;
  if (type === '!') return { frame: { kind: 'blob-error', data }, end };
  if (type === '=') {
    // Verbatim strings start with a three-letter format and a colon: `txt:` or `mkd:`.
    return { frame: { kind: 'verbatim', format: latin1.decode(data.subarray(0, 3)), data: data.slice(4) }, end };
  }
  return { frame: { kind: 'bulk', data }, end };
}

function parseAggregate(buf: Uint8Array, type: string, line: string, next: number, depth: number): Parsed {
  const count = Number(line);
  if (!Number.isInteger(count) || count < -1) return { frame: { kind: 'invalid', text: `${type}${line}` }, end: next };
  if (count === -1) return { frame: { kind: 'nil' }, end: next };
  const items: RespFrame[] = [];
  let offset = next;
  for (let i = 0; i < count; i++) {
    const parsed = parseFrame(buf, offset, depth + 1);
    if (!parsed) return undefined;
    items.push(parsed.frame);
    offset = parsed.end;
  }
  const kind = type === '*' ? 'array' : type === '~' ? 'set' : 'push';
  return { frame: { kind, items }, end: offset };
}

function parseMap(buf: Uint8Array, type: string, line: string, next: number, depth: number): Parsed {
  const count = Number(line);
  if (!Number.isInteger(count) || count < 0) return { frame: { kind: 'invalid', text: `${type}${line}` }, end: next };
  const entries: [RespFrame, RespFrame][] = [];
  let offset = next;
  for (let i = 0; i < count; i++) {
    const key = parseFrame(buf, offset, depth + 1);
    if (!key) return undefined;
    const value = parseFrame(buf, key.end, depth + 1);
    if (!value) return undefined;
    entries.push([key.frame, value.frame]);
    offset = value.end;
  }
  return { frame: { kind: type === '%' ? 'map' : 'attribute', entries }, end: offset };
}

function inline(bytes: Uint8Array): RespFrame {
  const text = utf8.decode(bytes);
  // Inline commands are printable words; anything else is binary noise, not a command.
  if (/^[\x20-\x7e\t]*$/.test(text) && text.trim()) return { kind: 'inline', words: text.trim().split(/\s+/) };
  return { kind: 'invalid', text: shorten(JSON.stringify(text), 60) };
}

const MAX_TEXT = 160;

/** Shows a word of a command bare when it is plain, quoted when it has spaces or odd bytes. */
function word(data: Uint8Array): string {
  const text = utf8.decode(data);
  return /^[\x21-\x7e]+$/.test(text) && !text.includes('"') ? text : quote(data);
}

function quote(data: Uint8Array): string {
  return shorten(JSON.stringify(utf8.decode(data)), 80);
}

function isCommand(frame: RespFrame): frame is { kind: 'array'; items: { kind: 'bulk'; data: Uint8Array }[] } {
  return frame.kind === 'array' && frame.items.length > 0 && frame.items.every((item) => item.kind === 'bulk');
}

/**
 * One short line for a frame, in the style of redis-cli: `GET user:1`, `"alice"`, `(nil)`,
 * `(integer) 1`, `ERR unknown command`. With `role: 'reply'`, an array of strings is shown as
 * a list rather than as a command (a reply to LRANGE is not a command).
 */
export function describeFrame(frame: RespFrame, role: 'command' | 'reply' = 'command'): string {
  return shorten(describe(frame, role, true), MAX_TEXT);
}

function describe(frame: RespFrame, role: 'command' | 'reply', top: boolean): string {
  switch (frame.kind) {
    case 'simple':
    case 'error':
      return frame.text;
    case 'integer':
      return `(integer) ${frame.text}`;
    case 'double':
      return `(double) ${frame.text}`;
    case 'bignum':
      return `(big number) ${frame.text}`;
    case 'boolean':
      return frame.value ? '(true)' : '(false)';
    case 'nil':
      return '(nil)';
    case 'bulk':
    case 'verbatim':
      return quote(frame.data);
    case 'blob-error':
      return utf8.decode(frame.data);
    case 'inline':
      return frame.words.join(' ');
    case 'invalid':
      return `(not RESP) ${frame.text}`;
    case 'array':
    case 'set':
    case 'push': {
      if (top && role === 'command' && isCommand(frame)) return frame.items.map((item) => word(item.data)).join(' ');
      const inner = frame.items.map((item) => describe(item, role, false)).join(', ');
      const prefix = frame.kind === 'push' ? '(push) ' : frame.kind === 'set' ? '(set) ' : '';
      return frame.items.length === 0 ? `${prefix}(empty array)` : `${prefix}[${inner}]`;
    }
    case 'map':
    case 'attribute': {
      const inner = frame.entries
        .map(([k, v]) => `${describe(k, role, false)}: ${describe(v, role, false)}`)
        .join(', ');
      return `${frame.kind === 'attribute' ? '(attribute) ' : ''}{${inner}}`;
    }
  }
}
