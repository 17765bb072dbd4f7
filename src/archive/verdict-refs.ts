/**
 * `<Verdict repro="cancel-race-proxy" version="4.5.1" params="SLEEP=0.000001" />`: the prose
 * states what a repro showed only by citing a recorded cell (issue 12, item 9). This finds
 * every such citation in an incident's MDX (with its line) and resolves it against the repros'
 * results.json; the archive reader turns a citation without a recorded cell into a located
 * content problem, so the build fails before a page could say more than the record does.
 * Pure: the same resolution serves the check and the component.
 */
import type { CellResult, ReproResults } from '../schemas/repro-results.ts';
import type { ReproManifest } from '../schemas/repro.ts';
import { cellLabel, parametersText } from '../domain/repro-cells.ts';
import { listOrNone } from '../domain/text.ts';
import { versionSchemeOf } from '../domain/runtimes.ts';
import { describeVersionMatrix, inVersionMatrix } from '../domain/version-matrix.ts';
import { parseStory, type ComponentUse } from './story.ts';

/** What a `<Verdict>` needs of a repro (a subset of the archive's IncidentRepro). */
export interface CitableRepro {
  id: string;
  dir: string;
  manifest: Pick<ReproManifest, 'runtime' | 'package' | 'parameters'>;
  results?: ReproResults;
  stale: boolean;
}

export interface VerdictCitation {
  repro?: string;
  version?: string;
  params?: string;
}

export interface VerdictMention extends VerdictCitation {
  /** Line of the tag's `<` in index.mdx. */
  line: number;
  /** The tag as written, on one line: how a problem names the component. */
  tag: string;
  /** Attributes written as expressions (`repro={id}`), which the build cannot check. */
  dynamic: string[];
}

const ATTRIBUTES = ['repro', 'version', 'params'] as const;

/** A `<Verdict …/>` of the story as a citation; literal numbers are read as the text they show. */
export function verdictMention(use: ComponentUse): VerdictMention {
  const mention: VerdictMention = { line: use.line, tag: use.tag, dynamic: [] };
  for (const name of ATTRIBUTES) {
    const value = use.attributes[name];
    if (use.dynamic.includes(name)) mention.dynamic.push(name);
    else if (typeof value === 'string' || typeof value === 'number') mention[name] = String(value);
  }
  return mention;
}

/** Every `<Verdict …/>` in an MDX body, with its line; tags may span lines. */
export function verdictMentions(body: string, bodyLine = 1): VerdictMention[] {
  const story = parseStory(body, bodyLine);
  if (!('components' in story)) return [];
  return story.components.filter((c) => c.name === 'Verdict').map(verdictMention);
}

/** `SLEEP=0.000001 N=10` (spaces or commas between pairs) → { SLEEP: '0.000001', N: '10' }; a string says what is wrong. */
export function parseParams(text: string): Record<string, string> | string {
  const out: Record<string, string> = {};
  for (const pair of text.split(/[\s,]+/).filter(Boolean)) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.+)$/.exec(pair);
    if (!m)
      return `params="${text}" is not a list of NAME=value pairs; write it like params="SLEEP=0.000001" (several separated by spaces)`;
    out[m[1]!] = m[2]!;
  }
  return out;
}

/**
 * A citation resolved (with `Found`), or why not and what to do; `unrecorded`: the cited cell is
 * one a run would record (running the repro settles it).
 */
export type Resolution<Found> = ({ ok: true } & Found) | { ok: false; message: string; unrecorded?: boolean };

export type VerdictResolution = Resolution<{ repro: CitableRepro; cell: CellResult; results: ReproResults }>;

/**
 * The recorded cell a citation names, or why there is none and what to do. `incident` is the
 * incident's folder name, used in the command that would record the missing cell.
 */
export function resolveVerdict(
  citation: VerdictCitation,
  repros: readonly CitableRepro[],
  incident: string,
): VerdictResolution {
  const fail = (message: string): VerdictResolution => ({ ok: false, message });
  const unrecorded = (message: string): VerdictResolution => ({ ok: false, message, unrecorded: true });
  const known = repros.map((r) => r.id);
  if (!citation.repro)
    return fail(`<Verdict> needs repro="…" naming one of this incident's repros (${listOrNone(known)})`);
  const repro = repros.find((r) => r.id === citation.repro);
  if (!repro)
    return fail(
      `there is no repro "${citation.repro}" to cite (this incident's repros: ${listOrNone(known)}). Fix the id, or add the repro under repros/${citation.repro}/`,
    );
  const command = (version?: string) =>
    `npx aftermath repro ${incident} ${repro.id}${version ? ` --version ${version}` : ''}`;
  const results = repro.results;
  if (!results || results.cells.length === 0) {
    return unrecorded(
      `the repro "${repro.id}" has no recorded results (${repro.dir}/results.json), so there is no verdict to cite. Run ${command()} and commit its results.json`,
    );
  }
  const versions = [...new Set(results.cells.map((c) => c.version))];
  let version = citation.version;
  if (version === undefined) {
    if (versions.length > 1)
      return fail(`say which version of "${repro.id}" this cites with version="…" (recorded: ${listOrNone(versions)})`);
    version = versions[0]!;
  }
  const ofVersion = results.cells.filter((c) => c.version === version);
  if (ofVersion.length === 0) {
    const pkg = repro.manifest.package;
    const how = inVersionMatrix(pkg, version, versionSchemeOf(repro.manifest.runtime))
      ? `Record it with ${command(version)} and commit results.json, or cite a recorded version`
      : `${version} is not in ${repro.dir}/repro.yaml (package.versions: ${describeVersionMatrix(pkg)}); add it there and record it with ${command(version)}, or cite a recorded version`;
    return unrecorded(
      `the repro "${repro.id}" has no recorded cell for version ${version} (recorded: ${listOrNone(versions)}). ${how}`,
    );
  }
  let params: Record<string, string> = {};
  if (citation.params !== undefined) {
    const parsed = parseParams(citation.params);
    if (typeof parsed === 'string') return fail(parsed);
    params = parsed;
  }
  const matching = ofVersion.filter((c) => Object.entries(params).every(([k, v]) => c.parameters[k] === v));
  const choices = ofVersion.map((c) => parametersText(c.parameters)).filter(Boolean);
  if (matching.length === 0) {
    return unrecorded(
      `the repro "${repro.id}" has no recorded cell for ${version} with ${parametersText(params)} (recorded for ${version}: ${listOrNone(choices)}). Fix params="…", or add the value to ${repro.dir}/repro.yaml and record it with ${command(version)}`,
    );
  }
  if (matching.length > 1) {
    return fail(
      `the repro "${repro.id}" recorded ${matching.length} cells for ${cellLabel({ version, parameters: params })}; say which with params="…" (one of: ${listOrNone(matching.map((c) => parametersText(c.parameters)))})`,
    );
  }
  return { ok: true, repro, cell: matching[0]!, results };
}

export interface VerdictFinding {
  line: number;
  /** The component as written, e.g. `<Verdict repro="x" version="4.4.4" />`. */
  field: string;
  message: string;
}

/**
 * Every citation in the body that names no recorded cell, located. `recording`: the archive is
 * read to run repros, so a cell a run would record is not a problem yet.
 */
export function verdictFindings(
  verdicts: readonly ComponentUse[],
  repros: readonly CitableRepro[],
  incident: string,
  recording = false,
): VerdictFinding[] {
  const findings: VerdictFinding[] = [];
  for (const mention of verdicts.map(verdictMention)) {
    if (mention.dynamic.length > 0) {
      findings.push({
        line: mention.line,
        field: mention.tag,
        message: `write ${mention.dynamic.map((a) => `${a}="…"`).join(' and ')} as a literal string, so the build can check that the cited cell was recorded`,
      });
      continue;
    }
    const resolved = resolveVerdict(mention, repros, incident);
    if (!resolved.ok && !(recording && resolved.unrecorded))
      findings.push({ line: mention.line, field: mention.tag, message: resolved.message });
  }
  return findings;
}
