import { describe, expect, it } from 'vitest';
import { decodeAll, describeFrame, encodeCommand, RespDecoder, type RespFrame } from '../../src/repro/wire/resp.ts';
import { decodeTrace, messagesByConnection, type WireTrace } from '../../src/repro/wire/trace.ts';
import { describeChunk, printablePreview } from '../../src/repro/wire/bytes.ts';
import { decoderNames, getDecoder, registerDecoder } from '../../src/repro/wire/decoders.ts';
import { WIRE_DECODERS } from '../../src/schemas/repro.ts';

const bytes = (text: string) => Buffer.from(text, 'utf8');
const describeAll = (text: string, role: 'command' | 'reply' = 'reply') =>
  decodeAll(bytes(text)).map((f) => describeFrame(f, role));

describe('RespDecoder', () => {
  it('decodes a command as an array of bulk strings and shows it like redis-cli', () => {
    const [frame] = decodeAll(encodeCommand(['GET', 'user:1']));
    expect(frame?.kind).toBe('array');
    expect(describeFrame(frame!)).toBe('GET user:1');
    expect(Buffer.from(encodeCommand(['PING'])).toString()).toBe('*1\r\n$4\r\nPING\r\n');
  });

  it('decodes every RESP2 reply type', () => {
    expect(describeAll('+OK\r\n-ERR unknown command\r\n:42\r\n$5\r\nalice\r\n$-1\r\n*-1\r\n$0\r\n\r\n')).toEqual([
      'OK',
      'ERR unknown command',
      '(integer) 42',
      '"alice"',
      '(nil)',
      '(nil)',
      '""',
    ]);
  });

  it('decodes RESP3 types', () => {
    expect(
      describeAll(
        '_\r\n#t\r\n,3.14\r\n(12345678901234567890\r\n%1\r\n+a\r\n:1\r\n~1\r\n+x\r\n>2\r\n+message\r\n+hi\r\n=8\r\ntxt:some\r\n!3\r\nBAD\r\n',
      ),
    ).toEqual([
      '(nil)',
      '(true)',
      '(double) 3.14',
      '(big number) 12345678901234567890',
      '{a: (integer) 1}',
      '(set) [x]',
      '(push) [message, hi]',
      '"some"',
      'BAD',
    ]);
  });

  it('keeps a frame split at every possible byte boundary whole', () => {
    const wire = bytes('*3\r\n$3\r\nSET\r\n$6\r\nuser:1\r\n$5\r\nalice\r\n+OK\r\n');
    for (let cut = 1; cut < wire.length; cut++) {
      const decoder = new RespDecoder();
      const first = decoder.push(wire.subarray(0, cut));
      const second = decoder.push(wire.subarray(cut));
      const texts = [...first, ...second].map((f) => describeFrame(f));
      expect(texts, `cut at ${cut}`).toEqual(['SET user:1 alice', 'OK']);
      expect(decoder.pending).toBe(0);
    }
  });

  it('survives a byte-by-byte stream and emits each frame exactly once, when complete', () => {
    const decoder = new RespDecoder();
    const wire = bytes('$5\r\nal\r\nx\r\n:7\r\n');
    const seen: RespFrame[][] = [];
    for (const byte of wire) seen.push(decoder.push(Uint8Array.of(byte)));
    const completedAt = seen.flatMap((frames, i) => frames.map(() => i));
    // The bulk string contains CRLF itself: only its declared length ends it.
    expect(completedAt).toEqual([10, 14]);
    expect(seen.flat().map((f) => describeFrame(f))).toEqual(['"al\\r\\nx"', '(integer) 7']);
  });

  it('decodes nested arrays with nil elements', () => {
    const [frame] = decodeAll(bytes('*3\r\n*2\r\n:1\r\n$1\r\na\r\n$-1\r\n*0\r\n'));
    expect(frame).toMatchObject({
      kind: 'array',
      items: [
        { kind: 'array', items: [{ kind: 'integer' }, { kind: 'bulk' }] },
        { kind: 'nil' },
        { kind: 'array', items: [] },
      ],
    });
    expect(describeFrame(frame!, 'reply')).toBe('[[(integer) 1, "a"], (nil), (empty array)]');
  });

  it('shows a reply list as a list, and a command with odd arguments quoted', () => {
    expect(describeAll('*2\r\n$1\r\na\r\n$1\r\nb\r\n', 'reply')).toEqual(['["a", "b"]']);
    expect(describeFrame(decodeAll(encodeCommand(['SET', 'k', 'two words']))[0]!)).toBe('SET k "two words"');
  });

  it('accepts inline commands and does not choke on garbage', () => {
    expect(describeAll('PING\r\n', 'command')).toEqual(['PING']);
    const frames = decodeAll(Buffer.concat([Buffer.from([0xff, 0x00, 0x01]), bytes('\r\n+OK\r\n')]));
    expect(frames.map((f) => f.kind)).toEqual(['invalid', 'simple']);
  });

  it('keeps long descriptions short', () => {
    const text = describeFrame(decodeAll(encodeCommand(['SET', 'k', 'x'.repeat(1000)]))[0]!);
    expect(text.length).toBeLessThanOrEqual(160);
  });
});

describe('decodeTrace', () => {
  const b64 = (text: string) => Buffer.from(text).toString('base64');
  const trace: WireTrace = {
    chunks: [
      { conn: 1, dir: 'c2s', t: 1, bytes: b64('*2\r\n$3\r\nGET\r\n$6\r\nuse') },
      { conn: 2, dir: 'c2s', t: 2, bytes: b64('*2\r\n$3\r\nGET\r\n$6\r\nuser:2\r\n') },
      { conn: 1, dir: 'c2s', t: 3, bytes: b64('r:1\r\n') },
      { conn: 2, dir: 's2c', t: 4, bytes: b64('$3\r\nbob\r\n') },
      { conn: 1, dir: 's2c', t: 5, bytes: b64('$5\r\nalice\r\n$-1\r\n') },
    ],
    events: [],
    droppedChunks: 0,
  };

  it('decodes per connection and direction, in arrival order, timed by the completing chunk', () => {
    const decoded = decodeTrace(trace);
    expect(decoded.messages).toEqual([
      { conn: 2, dir: 'c2s', t: 2, text: 'GET user:2' },
      { conn: 1, dir: 'c2s', t: 3, text: 'GET user:1' },
      { conn: 2, dir: 's2c', t: 4, text: '"bob"' },
      { conn: 1, dir: 's2c', t: 5, text: '"alice"' },
      { conn: 1, dir: 's2c', t: 5, text: '(nil)' },
    ]);
    expect(
      messagesByConnection(decoded)
        .get(1)
        ?.map((m) => m.text),
    ).toEqual(['GET user:1', '"alice"', '(nil)']);
  });

  it('is bounded and counts what it left out', () => {
    const decoded = decodeTrace({ ...trace, droppedChunks: 2 }, 3);
    expect(decoded.messages).toHaveLength(3);
    expect(decoded.omitted).toBe(2 + 2);
  });
});

describe('the byte-chunk decoder', () => {
  it('shows the size and a printable preview, escaping CR, LF and tab and dotting other bytes', () => {
    expect(describeChunk(bytes('GET / HTTP/1.1\r\nHost: x\r\n\r\n'))).toBe(
      '27 bytes: GET / HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n',
    );
    expect(describeChunk(Uint8Array.from([0x00, 0x41, 0xff, 0x09]))).toBe('4 bytes: ·A·\\t');
    expect(describeChunk(bytes('x'))).toBe('1 byte: x');
    expect(describeChunk(new Uint8Array(0))).toBe('0 bytes: ');
  });

  it('cuts a long preview at a whole character with …, never inside an escape', () => {
    const long = describeChunk(bytes('a'.repeat(59) + '\r\n' + 'b'.repeat(1000)));
    expect(long).toBe(`1061 bytes: ${'a'.repeat(59)}…`);
    expect(printablePreview(bytes('abcdef'), 3)).toBe('abc…');
    expect(printablePreview(bytes('abc'), 3)).toBe('abc');
  });

  it('decodes a trace chunk by chunk, one message per chunk, with injected faults where they struck', () => {
    const b64 = (text: string) => Buffer.from(text).toString('base64');
    const trace: WireTrace = {
      chunks: [
        { conn: 1, dir: 'c2s', t: 1, bytes: b64('GET / HTTP/1.0\r\n\r\n') },
        { conn: 1, dir: 's2c', t: 5, bytes: b64('HTTP/1.0 200 OK\r\n') },
        { conn: 1, dir: 's2c', t: 5, bytes: b64('Server: x\r\n') },
      ],
      events: [
        { conn: 1, t: 0, event: 'open' },
        { conn: 1, t: 5, event: 'fault', dir: 's2c', detail: 'reset s2c after 28 bytes' },
      ],
      droppedChunks: 0,
    };
    expect(decodeTrace(trace, 10, 'bytes').messages).toEqual([
      { conn: 1, dir: 'c2s', t: 1, text: '18 bytes: GET / HTTP/1.0\\r\\n\\r\\n' },
      { conn: 1, dir: 's2c', t: 5, text: '17 bytes: HTTP/1.0 200 OK\\r\\n' },
      { conn: 1, dir: 's2c', t: 5, text: '11 bytes: Server: x\\r\\n' },
      { conn: 1, dir: 's2c', t: 5, text: '(fault) reset s2c after 28 bytes' },
    ]);
    // The same trace read as RESP is mostly noise: the decoder is the repro's choice.
    expect(decodeTrace(trace, 10, 'resp').messages[0]!.text).toBe('GET / HTTP/1.0');
  });
});

describe('the decoder registry', () => {
  it('holds resp and bytes, the names repro.yaml accepts', () => {
    expect(decoderNames()).toEqual(expect.arrayContaining([...WIRE_DECODERS]));
    for (const name of WIRE_DECODERS) expect(getDecoder(name).summary).toBeTruthy();
  });

  it('gives each stream its own state: a RESP frame split over chunks comes out once', () => {
    const resp = getDecoder('resp').create('s2c');
    expect(resp.push(bytes('$5\r\nal'))).toEqual([]);
    expect(resp.push(bytes('ice\r\n'))).toEqual(['"alice"']);
    expect(
      getDecoder('resp')
        .create('c2s')
        .push(encodeCommand(['GET', 'k'])),
    ).toEqual(['GET k']);
  });

  it('takes a new decoder, used by decodeTrace by name, and names the known ones for an unknown name', () => {
    registerDecoder({
      name: 'test-lines',
      summary: 'lines',
      create: () => {
        let rest = '';
        return {
          push: (chunk) => {
            const lines = (rest + Buffer.from(chunk).toString()).split('\n');
            rest = lines.pop()!;
            return lines.map((line) => `line ${line}`);
          },
        };
      },
    });
    const b64 = (text: string) => Buffer.from(text).toString('base64');
    const trace: WireTrace = {
      chunks: [
        { conn: 1, dir: 'c2s', t: 1, bytes: b64('a\nb') },
        { conn: 1, dir: 'c2s', t: 2, bytes: b64('c\n') },
      ],
      events: [],
      droppedChunks: 0,
    };
    expect(decodeTrace(trace, 10, 'test-lines').messages.map((m) => m.text)).toEqual(['line a', 'line bc']);
    expect(() => getDecoder('http2')).toThrow(/no wire decoder "http2": known decoders are resp, bytes, test-lines/);
  });
});
