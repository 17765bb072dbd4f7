/**
 * A short fingerprint of what a page was rendered from in `astro dev`: every incident's data and
 * the content problems shown in the banner. An open page compares its own with the server's
 * current one, so that a save still reaches it when the reload Vite sent was lost (it arrived
 * while the page was itself reloading, which a slow machine makes likely).
 */
import { createHash } from 'node:crypto';
import type { ContentProblem } from '../schemas/problems.ts';

export function contentStamp(
  incidents: readonly { id: string; data: unknown }[],
  problems: readonly ContentProblem[],
): string {
  const hash = createHash('sha256');
  for (const { id, data } of [...incidents].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)))
    hash.update(id).update('\0').update(JSON.stringify(data)).update('\0');
  hash.update(JSON.stringify(problems));
  return hash.digest('hex').slice(0, 16);
}
