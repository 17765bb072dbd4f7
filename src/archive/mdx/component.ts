/**
 * What an MDX component is to Aftermath, in one place: the name a story writes, the Astro file
 * that draws it, the attributes it needs, what a use must refer to in the incident's other files,
 * and what it becomes in the Markdown export. Each component is one module of this folder and
 * one line of ./registry.ts; a site adds its own with `aftermath({ mdxComponents })`.
 */
import type { Fact } from '../../schemas/facts.ts';
import type { IncidentRepro } from '../../domain/incident-record.ts';
import type { ComponentUse } from '../story.ts';
import type { VerdictCitation } from '../verdict-refs.ts';
import type { MeasureCitation } from '../measure-refs.ts';

/** A located problem with one use, in index.mdx. */
export interface MdxFinding {
  line: number;
  field: string;
  message: string;
}

/** What a component's check may consult: the incident's other files, as read. */
export interface StoryContext {
  /** The incident's folder, relative to the project's root. */
  dir: string;
  /** The keys of history.yaml and the message for one that is not there; undefined when it is unreadable. */
  history?: { keys: ReadonlySet<string>; unknownRef(ref: string): string };
  /** The repros as read (those with problems left out). */
  repros: readonly IncidentRepro[];
  /** Every folder under repros/, read or not (a broken repro.yaml is its own problem). */
  reproFolders: readonly string[];
  /** Read to run repros: what a run would record is not missing yet (see ArchiveOptions.recording). */
  recording: boolean;
  /** facts.yaml's facts; undefined when the incident has no facts.yaml. */
  facts?: readonly Fact[];
}

/** What the Markdown export knows of the page (the incident page's view has all of it). */
export interface StoryLookups {
  fact(key: string): { fact: Fact; n: number };
  ref(key: string): { label: string; url?: string };
  verdict(citation: VerdictCitation): { shown: { text: string } };
  measure(citation: MeasureCitation): { text: string };
  repros: readonly { id: string; repro: { manifest: { title: string } } }[];
}

export interface MdxComponent {
  /** As the story writes it: `Fact` for `<Fact k="…" />`. */
  name: string;
  /** The Astro component that draws it. */
  file: URL;
  /** The attributes every use needs, each with what it names (said when one is missing). */
  attributes: Readonly<Record<string, string>>;
  /** Problems of the uses once the incident's other files are read (a key that names nothing, say). */
  check?(uses: readonly ComponentUse[], context: StoryContext): MdxFinding[];
  /** The use in the Markdown export (attributes as written); '' leaves it out. */
  markdown(attributes: Readonly<Record<string, string>>, lookups: StoryLookups): string;
}

/** The uses of one attribute given as text, with their lines: `<Ref to="#12">` → { value: '#12', line }. */
export function attributeUses(uses: readonly ComponentUse[], attribute: string): { value: string; line: number }[] {
  return uses.flatMap((use) => {
    const value = use.attributes[attribute];
    return typeof value === 'string' ? [{ value, line: use.line }] : [];
  });
}

/**
 * The uses citing a repro that was read: one whose folder is there but whose repro.yaml is
 * broken is left to that file's own problem, which says what is wrong.
 */
export function usesOfReadRepros(
  uses: readonly ComponentUse[],
  { repros, reproFolders }: Pick<StoryContext, 'repros' | 'reproFolders'>,
): ComponentUse[] {
  return uses.filter((use) => {
    const id = use.attributes.repro;
    return !(typeof id === 'string' && reproFolders.includes(id) && !repros.some((r) => r.id === id));
  });
}
