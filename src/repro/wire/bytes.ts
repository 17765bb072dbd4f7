/**
 * The decoder for protocols Aftermath does not parse: each chunk as it crossed the proxy, shown
 * with its size and a printable preview (`142 bytes: GET / HTTP/1.1\r\nHost: …`). Enough to see
 * what went which way and when, for HTTP, memcached, a database protocol or binary frames.
 */

/** Characters of preview per chunk; the size says how much more there was. */
export const PREVIEW_CHARS = 60;

/**
 * The bytes as one line of text: printable ASCII as is, CR, LF and tab as `\r`, `\n`, `\t`,
 * and any other byte as `·`, cut at `max` characters with `…`.
 */
export function printablePreview(bytes: Uint8Array, max = PREVIEW_CHARS): string {
  let out = '';
  for (const byte of bytes) {
    const shown =
      byte === 13
        ? '\\r'
        : byte === 10
          ? '\\n'
          : byte === 9
            ? '\\t'
            : byte >= 0x20 && byte < 0x7f
              ? String.fromCharCode(byte)
              : '·';
    if (out.length + shown.length > max) return `${out}…`;
    out += shown;
  }
  return out;
}

/** `1 byte: x`, `142 bytes: GET / HTTP/1.1\r\n…`. */
export function describeChunk(bytes: Uint8Array, max = PREVIEW_CHARS): string {
  return `${bytes.length} ${bytes.length === 1 ? 'byte' : 'bytes'}: ${printablePreview(bytes, max)}`;
}
