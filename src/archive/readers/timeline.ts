/** `timeline.yaml`: status updates and events, each checked on its own and in order (./../timeline-checks.ts). */
import { posix } from 'node:path';
import type { LocatedYaml } from '../../schemas/problems.ts';
import { timelineSchema, type TimelineEntry } from '../../schemas/timeline.ts';
import { timelineProblems } from '../timeline-checks.ts';
import { readYamlAs, type ReadContext } from './context.ts';

export interface TimelineFile {
  file: string;
  entries: TimelineEntry[];
  doc?: LocatedYaml;
}

export function readTimeline(ctx: ReadContext): TimelineFile {
  const file = posix.join(ctx.folder.dir, 'timeline.yaml');
  const read = readYamlAs(ctx, file, timelineSchema);
  const entries = read?.data ?? [];
  for (const p of timelineProblems(entries)) {
    ctx.problems.push({
      file,
      line: read?.doc.lineOf([p.index, p.field]),
      field: `[${p.index}].${p.field}`,
      message: p.message,
    });
  }
  return { file, entries, doc: read?.doc };
}
