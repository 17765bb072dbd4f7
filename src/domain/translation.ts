/**
 * Translations of an incident: which parts of the source a translation covers, which changed
 * since it was made, and the record as a reader of that locale sees it (the source's data with
 * the translated words). Pure; the archive reads the files (src/archive/readers/translations.ts).
 */
import { createHash } from 'node:crypto';
import type { IncidentRecord, IncidentTranslation } from './incident-record.ts';

export type { IncidentTranslation } from './incident-record.ts';

/** The part of the source before the story's first heading. */
export const TITLE_AND_SUMMARY = 'title and summary';
export const INTRODUCTION = 'introduction';

/** Each part of the source a translation follows, by name, with a short hash of its text. */
export function sourceParts(record: Pick<IncidentRecord, 'frontmatter' | 'body'>): Record<string, string> {
  const fm = record.frontmatter;
  const parts: Record<string, string> = {
    [TITLE_AND_SUMMARY]: hash(
      [fm.title, fm.summary, fm.impact, fm.root_cause, fm.trigger, fm.detection, fm.resolution].join('\n'),
    ),
  };
  for (const section of storySections(record.body)) parts[section.heading] = hash(section.text);
  return parts;
}

/** The story cut at its ## and ### headings (outside code fences); a repeated heading gets " (2)". */
export function storySections(body: string): { heading: string; text: string }[] {
  const sections = [{ heading: INTRODUCTION, lines: [] as string[] }];
  const seen = new Map<string, number>();
  let fence: string | undefined;
  for (const line of body.split('\n')) {
    const marker = /^\s*(`{3,}|~{3,})/.exec(line)?.[1];
    if (marker && (!fence || marker.startsWith(fence))) fence = fence ? undefined : marker;
    const heading = fence ? undefined : /^#{2,3}\s+(.+?)\s*#*\s*$/.exec(line)?.[1];
    if (heading) {
      const n = (seen.get(heading) ?? 0) + 1;
      seen.set(heading, n);
      sections.push({ heading: n > 1 ? `${heading} (${n})` : heading, lines: [] });
    } else sections.at(-1)!.lines.push(line.trimEnd());
  }
  return sections.map((s) => ({ heading: s.heading, text: s.lines.join('\n').trim() }));
}

const hash = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 8);

/** Names of the parts whose hash differs from the stamp's, or that the stamp does not know. */
export function changedParts(current: Record<string, string>, stamped: Record<string, string>): string[] {
  return Object.keys(current).filter((name) => stamped[name] !== current[name]);
}

/**
 * The human text of the incident's YAML files and card fields — what `strings.<locale>.yaml`
 * translates. Titles of issues and pull requests are quotations and stay as they were written.
 */
export function humanTexts(record: Omit<IncidentRecord, 'body'>, { words = true } = {}): string[] {
  const texts = [
    ...record.frontmatter.components,
    ...record.frontmatter.sources.flatMap((s) => [s.publisher, s.note]),
    ...record.timeline.flatMap((e) => [e.title, e.body, e.confidence_note]),
    // A value is shown only when the fact has no display.
    ...record.facts.flatMap((f) => [f.label, f.note, f.display ?? (typeof f.value === 'string' ? f.value : undefined)]),
    ...record.followUps.flatMap((f) => [
      f.title,
      f.owner,
      f.note,
      f.reason,
      ...f.evidence.map((e) => (e.kind === 'stated' ? e.stated : undefined)),
    ]),
    // An advisory's title is this page's own name for it; an issue's or a pull request's is quoted.
    ...record.history.items.flatMap((item) => [
      item.note,
      item.state,
      item.type === 'advisory' ? item.title : undefined,
      ...item.relations.map((r) => r.note),
    ]),
    ...record.repros.flatMap((r) => [
      r.manifest.title,
      r.manifest.description,
      r.manifest.chart?.title,
      ...Object.values(r.manifest.measurements).map((m) => m.label),
    ]),
  ];
  // `words: false`: every text a pair may translate, names and quantities included.
  return [
    ...new Set(texts.filter((t): t is string => typeof t === 'string' && (words ? isWords(t) : /\p{L}/u.test(t)))),
  ];
}

/** Words to translate, not a name or a quantity: a word of three letters or more, and a space. */
const isWords = (text: string) => /\p{L}{3,}/u.test(text) && /\s/.test(text.trim());

/** The record in the translation's words; what has no translation stays as the source says it. */
export function translatedRecord<R extends Omit<IncidentRecord, 'body'>>(
  record: R,
  translation: IncidentTranslation,
): R {
  const say = <T extends string | undefined>(text: T): T =>
    text === undefined ? text : ((translation.strings[text] ?? text) as T);
  const fm = translation.frontmatter;
  return {
    ...record,
    frontmatter: {
      ...record.frontmatter,
      title: fm?.title ?? record.frontmatter.title,
      summary: fm?.summary ?? record.frontmatter.summary,
      impact: fm?.impact ?? record.frontmatter.impact,
      root_cause: fm?.root_cause ?? record.frontmatter.root_cause,
      trigger: fm?.trigger ?? record.frontmatter.trigger,
      detection: fm?.detection ?? record.frontmatter.detection,
      resolution: fm?.resolution ?? record.frontmatter.resolution,
      components: record.frontmatter.components.map(say),
      sources: record.frontmatter.sources.map((s) => ({ ...s, publisher: say(s.publisher), note: say(s.note) })),
    },
    file: translation.file ?? record.file,
    bodyLine: translation.bodyLine ?? record.bodyLine,
    diagrams: translation.file ? translation.diagrams : record.diagrams,
    timeline: record.timeline.map((e) => ({
      ...e,
      title: say(e.title),
      body: say(e.body),
      confidence_note: say(e.confidence_note),
    })),
    // A value that is a phrase is shown translated; the value itself, which the checks compare, stays.
    facts: record.facts.map((f) => ({
      ...f,
      label: say(f.label),
      note: say(f.note),
      display:
        say(f.display) ?? (typeof f.value === 'string' && f.value in translation.strings ? say(f.value) : undefined),
    })),
    followUps: record.followUps.map((f) => ({
      ...f,
      title: say(f.title),
      owner: say(f.owner),
      note: say(f.note),
      reason: say(f.reason),
      evidence: f.evidence.map((e) => (e.kind === 'stated' ? { ...e, stated: say(e.stated) } : e)),
    })),
    history: {
      ...record.history,
      items: record.history.items.map((item) => ({
        ...item,
        note: say(item.note),
        state: say(item.state),
        ...(item.type === 'advisory' && { title: say(item.title) }),
        relations: item.relations.map((r) => ({ ...r, note: say(r.note) })),
      })),
    },
    repros: record.repros.map((r) => ({
      ...r,
      manifest: {
        ...r.manifest,
        title: say(r.manifest.title),
        description: say(r.manifest.description),
        chart: r.manifest.chart && { ...r.manifest.chart, title: say(r.manifest.chart.title) },
        measurements: Object.fromEntries(
          Object.entries(r.manifest.measurements).map(([name, m]) => [name, { ...m, label: say(m.label) }]),
        ),
      },
    })),
  };
}
