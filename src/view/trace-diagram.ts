/**
 * A recorded wire trace as a Mermaid sequence diagram: every command and reply at the time the
 * client sent or received it, replies labelled with the command they answer (Redis answers in order, so
 * the n-th reply on a connection answers its n-th command). A reply that reaches a caller after
 * a later command was sent is exactly the desynchronisation, and the labels make it visible.
 */
import type { DecodedTrace } from '../schemas/repro-results.ts';
import { escapeMermaidText } from '../domain/mermaid-text.ts';
import { shorten } from '../domain/text.ts';
import { english, type Translator } from '../i18n/catalogue.ts';

export interface TraceDiagramOptions {
  /** A line to show at the end, e.g. the snippet's verdict line. */
  conclusion?: string;
  /**
   * How long the proxy held each reply. The trace records when a chunk reached the proxy; adding
   * this gives when the reply reached the client, which is the order the client lived through.
   */
  replyDelayMs?: number;
  /** The words of the page the diagram is drawn on. */
  t?: Translator;
}

export function traceSequenceDiagram(trace: DecodedTrace, options: TraceDiagramOptions = {}): string | undefined {
  if (trace.messages.length === 0) return undefined;
  const connections = [...new Set(trace.messages.map((m) => m.conn))].sort((a, b) => a - b);
  const say = options.t ?? english;
  const lines = ['sequenceDiagram'];
  for (const conn of connections) lines.push(`  participant C${conn} as ${say('trace.client', { n: conn })}`);
  lines.push(`  participant R as ${say('trace.redis')}`);
  const sent = new Map<number, string[]>();
  const answered = new Map<number, number>();
  const delay = options.replyDelayMs ?? 0;
  const asSeen = trace.messages
    .map((message, index) => ({ message, index, t: message.dir === 's2c' ? message.t + delay : message.t }))
    .sort((a, b) => a.t - b.t || a.index - b.index);
  for (const { message, t } of asSeen) {
    const at = `${Math.round(t)} ms`;
    if (message.dir === 'c2s') {
      sent.set(message.conn, [...(sent.get(message.conn) ?? []), message.text]);
      lines.push(`  C${message.conn}->>R: ${escapeMermaidText(shorten(message.text, 48))} (${at})`);
    } else {
      const n = answered.get(message.conn) ?? 0;
      answered.set(message.conn, n + 1);
      const question = sent.get(message.conn)?.[n];
      const label = question
        ? say('trace.replyTo', { reply: shorten(message.text, 28), command: shorten(question, 28) })
        : shorten(message.text, 48);
      lines.push(`  R-->>C${message.conn}: ${escapeMermaidText(label)} (${at})`);
    }
  }
  if (trace.omitted > 0) lines.push(`  Note over R: ${say('trace.omitted', { count: trace.omitted })}`);
  if (options.conclusion) {
    // Mermaid notes do not wrap: break the sentence after its first clause.
    const [head, ...rest] = shorten(options.conclusion, 120).split(', ');
    const text = [escapeMermaidText(head!), rest.length ? escapeMermaidText(rest.join(', ')) : '']
      .filter(Boolean)
      .join('<br/>');
    lines.push(`  Note over C${connections[0]},R: ${text}`);
  }
  return lines.join('\n');
}
