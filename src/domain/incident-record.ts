/**
 * The incident as the archive hands it to everything downstream: its metadata, story, timeline,
 * fix history, facts, follow-ups and repros, validated and cross-checked. The model every later
 * step (view, exports, runner) reads; the archive is the only thing that builds one.
 */
import type { Fact } from '../schemas/facts.ts';
import type { History } from '../schemas/history.ts';
import type { IncidentFrontmatter } from '../schemas/incident.ts';
import type { Regression } from '../schemas/repro-regressions.ts';
import type { ReproResults } from '../schemas/repro-results.ts';
import type { ReproManifest } from '../schemas/repro.ts';
import type { TimelineEntry } from '../schemas/timeline.ts';
import type { LocatedFollowUp } from './follow-ups.ts';
import type { Located } from './mdx-source.ts';
import type { TranslationFrontmatter } from '../schemas/translation.ts';

export interface IncidentRepro {
  id: string;
  /** Folder relative to the project root. */
  dir: string;
  /** repro.yaml as it says (a range's releases: `recordedMatrix`, or the planner's listing). */
  manifest: ReproManifest;
  /** The entry file's text, shown on the page. */
  source: string;
  /** What `npx aftermath repro` last recorded, if it ever ran. */
  results?: ReproResults;
  /** The snippet or manifest changed after the recording: its verdicts no longer vouch for it. */
  stale: boolean;
  /** Verdicts a re-run found flipped since the recording (regressions.json), not yet recorded again. */
  regressions: Regression[];
}

export interface IncidentRecord {
  slug: string;
  /** Folder relative to the project root, e.g. `content/incidents/2023-03-20-x`. */
  dir: string;
  /** `index.mdx` relative to the project root. */
  file: string;
  frontmatter: IncidentFrontmatter;
  body: string;
  bodyLine: number;
  timeline: TimelineEntry[];
  history: History;
  repros: IncidentRepro[];
  /** Sourced facts cited from the prose with `<Fact k="…" />` (empty without facts.yaml). */
  facts: Fact[];
  /** Follow-ups from actions.yaml, with their lines (empty without the file). */
  followUps: LocatedFollowUp[];
  /** Repro ids the story embeds with `<Repro id="…" />`; the others are shown after it. */
  embeddedRepros: string[];
  diagrams: Located<string>[];
  /** Its translations (`index.<locale>.mdx`, `strings.<locale>.yaml`), one per locale that has one. */
  translations: IncidentTranslation[];
}

/** A translation of an incident (src/domain/translation.ts says what it covers and what fell behind). */
export interface IncidentTranslation {
  locale: string;
  /** `index.<locale>.mdx` relative to the project root, when the story is translated. */
  file?: string;
  frontmatter?: TranslationFrontmatter;
  body?: string;
  bodyLine?: number;
  diagrams: Located<string>[];
  /** `strings.<locale>.yaml`, when there is one. */
  stringsFile?: string;
  /** Source text → its translation. */
  strings: Readonly<Record<string, string>>;
  /** Parts of the source changed (or added) since the translation's stamp, by their source heading. */
  changed: string[];
  /** Human text of the YAML files with no translation (shown in the source language). */
  untranslated: string[];
}
