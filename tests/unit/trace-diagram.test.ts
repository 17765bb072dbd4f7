import { describe, expect, it } from 'vitest';
import { traceSequenceDiagram } from '../../src/view/trace-diagram.ts';

const naive = {
  omitted: 0,
  messages: [
    { conn: 1, dir: 'c2s' as const, t: 500, text: 'GET owner:alice' },
    { conn: 1, dir: 'c2s' as const, t: 650, text: 'GET owner:bob' },
    { conn: 1, dir: 's2c' as const, t: 600, text: '"alice-data"' },
  ],
};

describe('traceSequenceDiagram', () => {
  it('orders messages as the client lived them and labels each reply with its command', () => {
    const source = traceSequenceDiagram(naive, { replyDelayMs: 100 })!;
    const lines = source.split('\n').filter((l) => l.includes('->>') || l.includes('-->>'));
    expect(lines).toEqual([
      '  C1->>R: GET owner:alice (500 ms)',
      '  C1->>R: GET owner:bob (650 ms)',
      '  R-->>C1: #quot;alice-data#quot;, reply to GET owner:alice (700 ms)',
    ]);
  });
  it('keeps the proxy order without a delay, and one participant per connection', () => {
    const source = traceSequenceDiagram({
      omitted: 3,
      messages: [...naive.messages, { conn: 2, dir: 'c2s', t: 700, text: 'PING' }],
    })!;
    expect(source).toContain('participant C2 as Client, connection 2');
    expect(source.indexOf('#quot;alice-data#quot;')).toBeLessThan(source.indexOf('GET owner:bob'));
    expect(source).toContain('Note over R: 3 more message(s) not recorded');
  });
  it('escapes what Mermaid would read as syntax, and breaks the conclusion', () => {
    const source = traceSequenceDiagram(
      { omitted: 0, messages: [{ conn: 1, dir: 'c2s', t: 1, text: 'SET k "a;b#c<d>"' }] },
      { conclusion: 'LEAK: GET owner:bob returned "alice-data", the reply meant for the cancelled GET' },
    )!;
    expect(source).toContain('SET k #quot;a#59;b#35;c#lt;d#gt;#quot;');
    expect(source).toContain(
      'Note over C1,R: LEAK: GET owner:bob returned #quot;alice-data#quot;<br/>the reply meant for the cancelled GET',
    );
  });
  it('has nothing to draw for an empty trace', () => {
    expect(traceSequenceDiagram({ omitted: 0, messages: [] })).toBeUndefined();
  });
});
