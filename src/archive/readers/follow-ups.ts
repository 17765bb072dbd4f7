/** `actions.yaml`: follow-ups, their evidence checked against history.yaml and the recorded repros. */
import { posix } from 'node:path';
import type { IncidentRepro } from '../../domain/incident-record.ts';
import { followUpFindings, locateFollowUps, type LocatedFollowUp } from '../../domain/follow-ups.ts';
import { actionsSchema } from '../../schemas/actions.ts';
import { ACTIONS_FILE } from '../../domain/follow-ups.ts';
import { formatPath } from '../../schemas/problems.ts';
import type { HistoryFile } from './history.ts';
import { readYamlAs, type ReadContext } from './context.ts';

export function readFollowUps(ctx: ReadContext, history: HistoryFile, repros: IncidentRepro[]): LocatedFollowUp[] {
  const file = posix.join(ctx.folder.dir, ACTIONS_FILE);
  const read = readYamlAs(ctx, file, actionsSchema);
  if (!read?.data || !history.readable) return [];
  for (const f of followUpFindings(read.data, { history: history.history, repros }))
    ctx.problems.push({ file, line: read.doc.lineOf(f.path), field: formatPath(f.path), message: f.message });
  return locateFollowUps(read.data, read.doc.lineOf);
}
