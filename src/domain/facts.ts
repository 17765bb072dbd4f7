/**
 * Cross-checks between an incident's facts and everything else that states them: the
 * frontmatter, timeline.yaml, history.yaml and the prose. Pure; the archive reader turns the
 * findings into located content problems.
 */
import type { Fact, FrontmatterBinding } from '../schemas/facts.ts';
import { CARD_FIELDS, type CardField } from './card-fields.ts';
import type { History } from '../schemas/history.ts';
import type { IncidentFrontmatter } from '../schemas/incident.ts';
import type { TimelineEntry } from '../schemas/timeline.ts';
import { historyKey } from './history-keys.ts';
import type { Located } from './mdx-source.ts';
import { isInstant, parseDay, parseTimestamp, type Instant } from './time.ts';

export interface FactFinding {
  /** Index of the fact in facts.yaml, when the finding is about one. */
  fact?: number;
  field?: string;
  /** Line in index.mdx, when the finding is about the prose. */
  line?: number;
  message: string;
}

function asInstant(value: unknown): Instant | undefined {
  if (value && typeof value === 'object' && 'ms' in value) return value as Instant;
  if (typeof value !== 'string') return undefined;
  const parsed = value.length === 10 ? parseDay(value) : parseTimestamp(value);
  return isInstant(parsed) ? parsed : undefined;
}

/** Two statements of the same thing agree: the same moment, or the same text. */
function agree(factValue: string | number, other: unknown): boolean {
  const a = asInstant(String(factValue));
  const b = asInstant(other);
  if (a && b) return a.precision === b.precision ? a.ms === b.ms : a.iso.slice(0, 10) === b.iso.slice(0, 10);
  return String(factValue) === String(other);
}

function shown(value: unknown): string {
  if (value && typeof value === 'object' && 'iso' in value) return (value as Instant).iso;
  return value === undefined || value === null ? 'nothing' : String(value);
}

/** `1.2 %`, `1.2%` and `1.2 percent` are one value. */
export function normalizePercent(text: string): string {
  return text.replace(/\s*(%|percent)$/, '%').replace(/\s+/g, '');
}

const PERCENT = /\b\d+(?:\.\d+)?\s?(?:%|percent\b)/g;

/** Percentages written in prose, outside code fences and `<Fact>` tags. */
export function percentMentions(body: string, bodyLine = 1): Located<string>[] {
  const found: Located<string>[] = [];
  let fence = '';
  body.split('\n').forEach((text, i) => {
    const marker = /^\s*(`{3,}|~{3,})/.exec(text)?.[1];
    if (marker && (!fence || marker.startsWith(fence))) {
      fence = fence ? '' : marker;
      return;
    }
    if (fence) return;
    const prose = text.replace(/<Fact\b[^>]*\/>/g, '').replace(/`[^`]*`/g, '');
    for (const m of prose.matchAll(PERCENT)) found.push({ value: normalizePercent(m[0]), line: bodyLine + i });
  });
  return found;
}

/** How the summary card names each one-line field (src/view/incident-summary.ts shows them). */
export const CARD_LABELS: Readonly<Record<CardField, string>> = {
  trigger: 'Trigger',
  root_cause: 'Root cause',
  detection: 'How it was detected',
  resolution: 'How it ended',
};

function isCardField(name: string): name is CardField {
  return (CARD_FIELDS as readonly string[]).includes(name);
}

/**
 * The facts bound to a frontmatter field (`matches: [{ frontmatter: root_cause }]`), with their
 * index in facts.yaml: what the summary card and the header's key moments cite.
 */
export function factsBoundTo(facts: readonly Fact[], name: FrontmatterBinding): { fact: Fact; index: number }[] {
  return facts.flatMap((fact, index) =>
    fact.matches.some((b) => 'frontmatter' in b && b.frontmatter === name) ? [{ fact, index }] : [],
  );
}

export interface FactContext {
  frontmatter: IncidentFrontmatter;
  timeline: readonly TimelineEntry[];
  history: History;
  /** Percentages written out in the body. */
  percents: Located<string>[];
}

export function factFindings(facts: readonly Fact[], ctx: FactContext): FactFinding[] {
  const findings: FactFinding[] = [];
  const byKey = new Map<string, number>();
  facts.forEach((fact, i) => {
    if (byKey.has(fact.key))
      findings.push({
        fact: i,
        field: 'key',
        message: `the key "${fact.key}" is already used by fact [${byKey.get(fact.key)}]`,
      });
    else byKey.set(fact.key, i);
  });

  const items = new Map(
    ctx.history.items.map((item) => [historyKey(item, ctx.history.repository), item as Record<string, unknown>]),
  );
  facts.forEach((fact, i) => {
    fact.matches.forEach((binding, j) => {
      const field = `matches[${j}]`;
      if ('frontmatter' in binding && isCardField(binding.frontmatter)) {
        const name = binding.frontmatter;
        if (!ctx.frontmatter[name])
          findings.push({
            fact: i,
            field,
            message: `the fact "${fact.key}" answers the summary card's "${CARD_LABELS[name]}", but the frontmatter has no ${name}, so the card would not show that answer (it says "unknown" when nothing else answers it). Add ${name}: a one-line answer drawn from this fact; the card cites the fact beside it`,
          });
      } else if ('frontmatter' in binding) {
        const other = (ctx.frontmatter as Record<string, unknown>)[binding.frontmatter];
        if (!agree(fact.value, other))
          findings.push({
            fact: i,
            field,
            message: `the frontmatter's ${binding.frontmatter} is ${shown(other)}, but the fact "${fact.key}" says ${fact.value}. Correct whichever is wrong`,
          });
      } else if ('timeline' in binding) {
        const { kind, title } = binding.timeline;
        const entries = ctx.timeline.filter((e) => e.kind === kind && (!title || e.title === title));
        if (entries.length === 0)
          findings.push({
            fact: i,
            field,
            message: `timeline.yaml has no "${kind}" entry${title ? ` titled "${title}"` : ''} to match the fact "${fact.key}"`,
          });
        else if (!entries.some((e) => agree(fact.value, e.at)))
          findings.push({
            fact: i,
            field,
            message: `timeline.yaml's "${kind}" entry is at ${entries.map((e) => e.at.iso).join(', ')}, but the fact "${fact.key}" says ${fact.value}`,
          });
      } else {
        const item = items.get(binding.history.ref);
        if (!item)
          findings.push({
            fact: i,
            field,
            message: `"${binding.history.ref}" is not in history.yaml, so the fact "${fact.key}" cannot be checked against it`,
          });
        else if (!agree(fact.value, item[binding.history.field]))
          findings.push({
            fact: i,
            field,
            message: `history.yaml's ${binding.history.ref} ${binding.history.field} is ${shown(item[binding.history.field])}, but the fact "${fact.key}" says ${fact.value}`,
          });
      }
    });
  });

  facts.forEach((fact, i) => {
    if (!fact.bound) return;
    const { moment, side } = fact.bound;
    const limit = asInstant(String(fact.value));
    if (!limit || limit.precision !== 'exact') {
      findings.push({
        fact: i,
        field: 'bound',
        message: `the fact "${fact.key}" bounds ${moment}, so its value must be a timestamp with an offset (like 2023-03-20T10:00:00-07:00); found "${fact.value}"`,
      });
      return;
    }
    const known = ctx.frontmatter[moment];
    if (!known) return;
    const broken = side === 'not-before' ? known.ms < limit.ms : known.ms > limit.ms;
    if (broken)
      findings.push({
        fact: i,
        field: 'bound',
        message: `the frontmatter's ${moment} is ${known.iso}, but the fact "${fact.key}" says it is ${side === 'not-before' ? 'not before' : 'not after'} ${fact.value}. Correct whichever is wrong`,
      });
  });

  const percents = new Set(facts.map((f) => normalizePercent(String(f.value))).filter((v) => v.endsWith('%')));
  const checkPercent = (p: Located<string>, where: string) => {
    if (!percents.has(p.value))
      findings.push({
        line: p.line,
        field: where,
        message: `${p.value} is written out but no fact in facts.yaml has that value. Cite the number with <Fact k="…" /> or add it to facts.yaml with its source`,
      });
  };
  for (const p of ctx.percents) checkPercent(p, 'text');
  for (const [name, text] of [
    ['summary', ctx.frontmatter.summary],
    ['impact', ctx.frontmatter.impact],
  ] as const) {
    for (const p of percentMentions(text)) checkPercent({ value: p.value, line: 0 }, name);
  }
  return findings;
}

/** The bound a fact sets on an unknown key moment, for the header: `{ side, fact, index }`. */
export function momentBound(
  facts: readonly Fact[],
  moment: 'detected' | 'mitigated' | 'resolved',
): { fact: Fact; index: number; side: 'not-before' | 'not-after'; at: Instant } | undefined {
  for (const [index, fact] of facts.entries()) {
    if (fact.bound?.moment !== moment) continue;
    const at = asInstant(String(fact.value));
    if (at) return { fact, index, side: fact.bound.side, at };
  }
  return undefined;
}
