/**
 * A repro's standing as a small status document and an SVG badge, for embedding in READMEs and
 * issue trackers: what the newest version in its matrix did when it was last recorded
 * ("redis 4.5.5 · fixed · verified 2026-11-28"). Pure.
 */
import { escapeHtml } from '../domain/text.ts';
import type { ReproResults } from '../schemas/repro-results.ts';
import type { ReproManifest } from '../schemas/repro.ts';
import { recordedMatrix } from '../domain/version-matrix.ts';

export type BadgeState = 'fixed' | 'reproduces' | 'stale' | 'not-run' | 'unverified';

export interface ReproStatus {
  incident: string;
  repro: string;
  /** What the badge names: the package and the newest version in the matrix, or the repro's id. */
  subject: string;
  state: BadgeState;
  /** The badge's right-hand words. */
  message: string;
  /** When the cells behind the state were recorded (ISO), if they were. */
  recordedAt?: string;
  /** Every recorded cell of that version: its parameters and verdict. */
  cells: { parameters: Record<string, string>; verdict: string }[];
}

const COLOURS: Record<BadgeState, string> = {
  fixed: '#2e7d32',
  reproduces: '#c62828',
  stale: '#6d6d6d',
  'not-run': '#6d6d6d',
  unverified: '#9a6700',
};

/**
 * The newest version's cells decide: all not reproduced → fixed; any reproduced → reproduces;
 * an error or skip among them → unverified; a recording older than the repro's files → stale.
 */
export function reproStatus(
  incident: string,
  repro: { id: string; manifest: ReproManifest; results?: ReproResults; stale: boolean },
): ReproStatus {
  const versions = recordedMatrix(repro).package?.versions ?? ['installed'];
  const newest = versions.at(-1)!;
  const cells = (repro.results?.cells ?? []).filter((c) => c.version === newest);
  // `latest` names no release: the badge says which one it was when it ran.
  const imported = newest === 'latest' ? cells[0]?.environment.packageVersionImported : undefined;
  const shown = imported ? `${imported} (latest)` : newest;
  const subject = repro.manifest.package ? `${repro.manifest.package.name} ${shown}` : repro.id;
  const base = {
    incident,
    repro: repro.id,
    subject,
    cells: cells.map((c) => ({ parameters: c.parameters, verdict: c.verdict })),
  };
  if (!repro.results || cells.length === 0) return { ...base, state: 'not-run', message: 'not run yet' };
  const day = repro.results.recordedAt.slice(0, 10);
  if (repro.stale)
    return { ...base, state: 'stale', message: `stale since ${day}`, recordedAt: repro.results.recordedAt };
  const verdicts = new Set(cells.map((c) => c.verdict));
  const state: BadgeState = verdicts.has('reproduced')
    ? 'reproduces'
    : verdicts.size === 1 && verdicts.has('not-reproduced')
      ? 'fixed'
      : 'unverified';
  return { ...base, state, message: `${state} · verified ${day}`, recordedAt: repro.results.recordedAt };
}

/** Width of a text in 11 px Verdana, near enough for a badge: 7 px for most characters. */
function textWidth(text: string): number {
  return Math.round([...text].reduce((w, c) => w + (/[ilj.,:·'|!]/.test(c) ? 3.5 : /[mwMW@]/.test(c) ? 9.5 : 7), 0));
}

/** A flat two-part badge: the subject on grey, the state in its colour; readable by screen readers. */
export function badgeSvg(status: Pick<ReproStatus, 'subject' | 'state' | 'message'>): string {
  const left = textWidth(status.subject) + 12;
  const right = textWidth(status.message) + 12;
  const width = left + right;
  const label = escapeHtml(`${status.subject}: ${status.message}`);
  const text = (x: number, value: string) =>
    `<text x="${x}" y="14" fill="#fff" text-anchor="middle" font-family="Verdana,DejaVu Sans,sans-serif" font-size="11">${escapeHtml(value)}</text>`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="20" role="img" aria-label="${label}">`,
    `<title>${label}</title>`,
    `<rect width="${left}" height="20" fill="#555"/>`,
    `<rect x="${left}" width="${right}" height="20" fill="${COLOURS[status.state]}"/>`,
    text(left / 2, status.subject),
    text(left + right / 2, status.message),
    '</svg>',
  ].join('');
}
