/**
 * Follow-ups judged by their evidence. A follow-up marked done whose evidence does not hold (the
 * pull request is not merged, the cited verdict was recorded otherwise, is missing, skipped or
 * stale) is contradicted; one whose checkable evidence all holds is verified by evidence; done
 * with only statements is "done (stated)". Pure: the archive reports bad references with
 * {@link followUpFindings}, the page, the export and `npx aftermath check` use {@link evaluateFollowUp}.
 */
import type { Evidence, FollowUp, FollowUpStatus, VerdictEvidence } from '../schemas/actions.ts';
import type { History, HistoryItem } from '../schemas/history.ts';
import type { ContentProblem } from '../schemas/problems.ts';
import type { CellResult } from '../schemas/repro-results.ts';
import { historyKey, historyLabel, similarKeys } from './history-keys.ts';
import { parametersText } from './repro-cells.ts';
import { versionSchemeOf } from './runtimes.ts';
import { listOrNone } from './text.ts';
import { describeVersionMatrix, inVersionMatrix } from './version-matrix.ts';

/** The file of an incident folder that lists its follow-ups. */
export const ACTIONS_FILE = 'actions.yaml';

/** What evaluating a follow-up needs of a repro (a subset of the archive's IncidentRepro). */
export interface EvidenceRepro {
  id: string;
  dir: string;
  manifest: {
    runtime: string;
    package?: { versions: string[]; range?: string };
    parameters: Record<string, (string | number)[]>;
  };
  results?: { cells: Pick<CellResult, 'version' | 'parameters' | 'verdict' | 'reason'>[] };
  stale: boolean;
  /** Cells a re-run found flipped since the recording (open regressions). */
  regressions?: readonly {
    cell: Pick<CellResult, 'version' | 'parameters'>;
    detectedAt: string;
    fresh: { verdict: string };
  }[];
}

/** What a follow-up's evidence is checked against. */
export interface EvidenceContext {
  history: History;
  repros: readonly EvidenceRepro[];
}

export type LocatedEvidence = Evidence & { line?: number };

/** A follow-up with the lines of actions.yaml it and its evidence start on (for `npx aftermath check`). */
export interface LocatedFollowUp extends Omit<FollowUp, 'evidence'> {
  line?: number;
  evidence: LocatedEvidence[];
}

export function locateFollowUps(
  followUps: readonly FollowUp[],
  lineOf: (path: (string | number)[]) => number | undefined,
): LocatedFollowUp[] {
  return followUps.map((f, i) => ({
    ...f,
    line: lineOf([i]),
    evidence: f.evidence.map((e, j) => ({ ...e, line: lineOf([i, 'evidence', j]) })),
  }));
}

export type FollowUpState = 'verified' | 'contradicted' | 'done-stated' | 'open' | 'in-progress' | 'wont-do';

/** Every state, in the order lists and counts show them (the catalogue names each: followUp.state.*). */
export const FOLLOW_UP_STATES: readonly { state: FollowUpState }[] = [
  { state: 'contradicted' },
  { state: 'verified' },
  { state: 'done-stated' },
  { state: 'in-progress' },
  { state: 'open' },
  { state: 'wont-do' },
];

export interface EvidenceCheck {
  evidence: Evidence;
  /** holds / fails: checked against history.yaml or a recording; stated: nothing to check. */
  outcome: 'holds' | 'fails' | 'stated';
  /** How the evidence is named: `PR #2695`, `cancel-race-proxy 4.5.5: not-reproduced`, `stated in the postmortem`. */
  label: string;
  /** Why it fails, or what was found when it holds. */
  detail: string;
  /** The history item's key, for a link to its fix-history row. */
  historyKey?: string;
}

export interface FollowUpEvaluation {
  state: FollowUpState;
  checks: EvidenceCheck[];
  /** For a contradicted follow-up: why, one sentence per failing piece of evidence. */
  reasons: string[];
}

function historyIndex(history: History): Map<string, HistoryItem> {
  return new Map(history.items.map((item) => [historyKey(item, history.repository), item]));
}

function verdictLabel(e: VerdictEvidence): string {
  const params = parametersText(e.params);
  return `${e.repro} ${e.version}${params ? ` ${params}` : ''}: ${e.verdict}`;
}

function sameParameters(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}

function checkHistory(key: string, items: Map<string, HistoryItem>): EvidenceCheck {
  const evidence: Evidence = { kind: 'history', key };
  const item = items.get(key);
  if (!item) return { evidence, outcome: 'fails', label: key, detail: `${key} is not in history.yaml` };
  const label = historyLabel(item, key);
  const check = (outcome: EvidenceCheck['outcome'], detail: string): EvidenceCheck => ({
    evidence,
    outcome,
    label,
    detail,
    historyKey: key,
  });
  switch (item.type) {
    case 'pull':
      return item.merged
        ? check('holds', `merged ${item.merged.iso}`)
        : check('fails', `${label} is not merged (history.yaml gives it no merged date)`);
    case 'release':
      return check('holds', item.published ? `released ${item.published.iso}` : 'released');
    case 'commit':
      return check('holds', item.committed ? `committed ${item.committed.iso}` : 'committed');
    default:
      return check(
        'fails',
        `${label} is an ${item.type}, which shows no work done; cite the merged pull request or the release`,
      );
  }
}

function checkVerdict(e: VerdictEvidence, repros: readonly EvidenceRepro[]): EvidenceCheck {
  const label = verdictLabel(e);
  const fail = (detail: string): EvidenceCheck => ({ evidence: e, outcome: 'fails', label, detail });
  const repro = repros.find((r) => r.id === e.repro);
  if (!repro) return fail(`there is no repro "${e.repro}"`);
  const cell = repro.results?.cells.find((c) => c.version === e.version && sameParameters(c.parameters, e.params));
  const where = `${e.repro} ${[e.version, parametersText(e.params)].filter(Boolean).join(' ')}`;
  if (!cell) return fail(`${where} has no recorded verdict (${repro.dir}/results.json)`);
  if (repro.stale)
    return fail(
      `the recording of ${e.repro} is stale: its files changed after ${repro.dir}/results.json was recorded, so its verdicts no longer vouch for it`,
    );
  if (cell.verdict === 'skipped')
    return fail(`${where} was skipped${cell.reason ? ` (${cell.reason})` : ''}, so it shows nothing`);
  if (cell.verdict === 'error')
    return fail(`${where} ended in an error${cell.reason ? ` (${cell.reason})` : ''}, so it shows nothing`);
  if (cell.verdict !== e.verdict) return fail(`${where} is recorded as ${cell.verdict}, not ${e.verdict}`);
  const regression = repro.regressions?.find(
    (r) => r.cell.version === e.version && sameParameters(r.cell.parameters, e.params),
  );
  if (regression)
    return fail(
      `${where} is recorded as ${cell.verdict}, but a re-run on ${regression.detectedAt.slice(0, 10)} found it ${regression.fresh.verdict} (a regression)`,
    );
  return { evidence: e, outcome: 'holds', label, detail: `recorded as ${cell.verdict}` };
}

function checkEvidence(e: Evidence, items: Map<string, HistoryItem>, repros: readonly EvidenceRepro[]): EvidenceCheck {
  switch (e.kind) {
    case 'history':
      return checkHistory(e.key, items);
    case 'verdict':
      return checkVerdict(e, repros);
    case 'stated':
      return { evidence: e, outcome: 'stated', label: `stated ${e.stated}`, detail: e.source };
  }
}

const STATUS_STATES: Readonly<Record<Exclude<FollowUpStatus, 'done'>, FollowUpState>> = {
  open: 'open',
  'in progress': 'in-progress',
  "won't do": 'wont-do',
};

/** The follow-up's state: its status, unless it says done, when the evidence decides. */
export function evaluateFollowUp(
  followUp: Pick<FollowUp, 'status' | 'evidence'>,
  context: EvidenceContext,
): FollowUpEvaluation {
  const items = historyIndex(context.history);
  const checks = followUp.evidence.map((e) => checkEvidence(e, items, context.repros));
  const failing = checks.filter((c) => c.outcome === 'fails');
  if (followUp.status !== 'done') return { state: STATUS_STATES[followUp.status], checks, reasons: [] };
  if (failing.length > 0) return { state: 'contradicted', checks, reasons: failing.map((c) => c.detail) };
  return { state: checks.some((c) => c.outcome === 'holds') ? 'verified' : 'done-stated', checks, reasons: [] };
}

/** Due before `today` (ms; the build's date) and neither done nor abandoned. */
export function isOverdue(followUp: Pick<FollowUp, 'status' | 'due'>, today: number): boolean {
  const startOfToday = Math.floor(today / 86_400_000) * 86_400_000;
  return (
    !!followUp.due && followUp.due.ms < startOfToday && followUp.status !== 'done' && followUp.status !== "won't do"
  );
}

export interface FollowUpFinding {
  /** Where in actions.yaml, e.g. `[6, 'evidence', 0]`. */
  path: (string | number)[];
  message: string;
}

/**
 * References that can never hold, as located problems: a duplicate id, a history key that is
 * not in history.yaml or names an issue or advisory, a repro or a matrix cell that does not
 * exist. Evidence that exists but does not hold (not merged, a different or missing recording)
 * is no content error: {@link evaluateFollowUp} shows it as contradicted.
 */
export function followUpFindings(followUps: readonly FollowUp[], context: EvidenceContext): FollowUpFinding[] {
  const findings: FollowUpFinding[] = [];
  const items = historyIndex(context.history);
  const ids = new Map<string, number>();
  followUps.forEach((f, i) => {
    const first = ids.get(f.id);
    if (first !== undefined)
      findings.push({
        path: [i, 'id'],
        message: `the id "${f.id}" is already used by [${first}]; give each follow-up its own id (it becomes its anchor on the page)`,
      });
    else ids.set(f.id, i);
    f.evidence.forEach((e, j) => {
      const path = [i, 'evidence', j];
      if (e.kind === 'history') {
        const item = items.get(e.key);
        if (!item) {
          const near = similarKeys(e.key, items.keys());
          findings.push({
            path,
            message: `"${e.key}" is not in history.yaml. Add it there (by hand or with npx aftermath import github), or fix the key${near.length ? ` (did you mean ${near.map((k) => `"${k}"`).join(' or ')}?)` : ''}`,
          });
        } else if (item.type === 'issue' || item.type === 'advisory') {
          findings.push({
            path,
            message: `"${e.key}" is an ${item.type}, which shows no work done; cite the pull request that did it ("#…", which must be merged) or the release that shipped it`,
          });
        }
      } else if (e.kind === 'verdict') {
        const problem = cellProblem(e, context.repros);
        if (problem) findings.push({ path, message: problem });
      }
    });
  });
  return findings;
}

/** Why a cited cell is not part of its repro's matrix, if it is not. */
function cellProblem(e: VerdictEvidence, repros: readonly EvidenceRepro[]): string | undefined {
  const repro = repros.find((r) => r.id === e.repro);
  if (!repro)
    return `there is no repro "${e.repro}" (this incident's repros: ${listOrNone(repros.map((r) => r.id))}). Fix the id, or add the repro under repros/${e.repro}/`;
  const pkg = repro.manifest.package;
  if (!inVersionMatrix(pkg, e.version, versionSchemeOf(repro.manifest.runtime)))
    return `${e.version} is not a version of the repro "${e.repro}" (${repro.dir}/repro.yaml runs: ${describeVersionMatrix(pkg)}). Cite one of those, or add it there and record it`;
  const declared = repro.manifest.parameters;
  const names = Object.keys(declared);
  const missing = names.filter((n) => !(n in e.params));
  if (missing.length > 0)
    return `the repro "${e.repro}" sweeps ${names.join(', ')}; say which cell with params: { ${missing.map((n) => `${n}: "…"`).join(', ')} } (${missing.map((n) => `${n} is one of ${declared[n]!.join(', ')}`).join('; ')})`;
  for (const [name, value] of Object.entries(e.params)) {
    if (!(name in declared))
      return `the repro "${e.repro}" has no parameter ${name} (${names.length ? `it sweeps ${names.join(', ')}` : 'it sweeps none'}); remove it from params`;
    const values = declared[name]!.map(String);
    if (!values.includes(value))
      return `${name}=${value} is not a value the repro "${e.repro}" sweeps (${values.join(', ')}); quote the value as repro.yaml writes it`;
  }
  return undefined;
}

/** What {@link contradictedFollowUps} reads of an incident (the archive's IncidentRecord has it). */
export interface FollowUpSource extends EvidenceContext {
  /** The incident's folder, relative to the project root. */
  dir: string;
  followUps: readonly LocatedFollowUp[];
}

/**
 * Every follow-up marked done whose evidence does not hold, as a problem located at its first
 * failing piece of evidence in actions.yaml: what `npx aftermath check` reports and fails on.
 */
export function contradictedFollowUps(incidents: readonly FollowUpSource[]): ContentProblem[] {
  return incidents.flatMap((incident) =>
    incident.followUps.flatMap((f, i) => {
      const evaluation = evaluateFollowUp(f, incident);
      if (evaluation.state !== 'contradicted') return [];
      const j = evaluation.checks.findIndex((c) => c.outcome === 'fails');
      return [
        {
          file: `${incident.dir}/${ACTIONS_FILE}`,
          line: f.evidence[j]?.line ?? f.line,
          field: `[${i}].evidence[${j}]`,
          message: `the follow-up "${f.id}" is marked done, but its evidence does not hold: ${evaluation.reasons.join('; ')}. It shows as contradicted; reopen it (status: open or in progress) or correct its evidence`,
        },
      ];
    }),
  );
}
