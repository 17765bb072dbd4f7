/**
 * Checks on a timeline that no schema can express: the status page's lifecycle must run
 * forward, and no two entries may be indistinguishable.
 */
import type { TimelineEntry } from '../schemas/timeline.ts';

export interface EntryProblem {
  index: number;
  field: string;
  message: string;
}

const OPENING = new Set(['investigating', 'identified', 'monitoring', 'update']);

export function timelineProblems(entries: readonly TimelineEntry[]): EntryProblem[] {
  const problems: EntryProblem[] = [];
  const firstOpening = entries
    .filter((e) => OPENING.has(e.kind))
    .reduce<TimelineEntry | undefined>((min, e) => (!min || e.at.ms < min.at.ms ? e : min), undefined);
  const firstResolved = entries
    .filter((e) => e.kind === 'resolved')
    .reduce<TimelineEntry | undefined>((min, e) => (!min || e.at.ms < min.at.ms ? e : min), undefined);

  entries.forEach((entry, index) => {
    if (entry.backfilled) return;
    if (entry.kind === 'resolved' && firstOpening && entry.at.ms < firstOpening.at.ms) {
      problems.push({
        index,
        field: 'at',
        message: `a "resolved" update at ${entry.at.iso} comes before the first "${firstOpening.kind}" update (${firstOpening.at.iso}). Fix the time, or mark the entry "backfilled: true" if it was posted after the fact`,
      });
    }
    if (entry.kind === 'postmortem' && firstResolved && entry.at.ms < firstResolved.at.ms) {
      problems.push({
        index,
        field: 'at',
        message: `the "postmortem" update at ${entry.at.iso} comes before the incident was resolved (${firstResolved.at.iso}). Fix the time, or mark it "backfilled: true"`,
      });
    }
  });

  const seen = new Map<string, number>();
  entries.forEach((entry, index) => {
    const key = `${entry.at.ms}\0${entry.kind}\0${entry.title}`;
    const other = seen.get(key);
    if (other !== undefined) {
      problems.push({
        index,
        field: 'title',
        message: `this entry repeats entry [${other}] (same time, kind and title). Remove one, or say what differs in the title`,
      });
    } else seen.set(key, index);
  });
  return problems;
}
