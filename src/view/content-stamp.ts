/**
 * A short fingerprint of what a page was rendered from in `astro dev`: every incident's data and
 * the content problems shown in the banner. An open page compares its own with the server's
 * current one, so that a save still reaches it when the reload Vite sent was lost (it arrived
 * while the page was itself reloading, which a slow machine makes likely).
 */
import { createHash } from 'node:crypto';
import type { ContentProblem } from '../schemas/problems.ts';

/**
 * Each incident's data hashed once per object: an open page asks every second, and the store
 * hands out the same objects until it changes, so only a changed incident is serialized again.
 */
const digests = new WeakMap<object, string>();

function digestOf(data: unknown): string {
  const cached = typeof data === 'object' && data !== null ? digests.get(data) : undefined;
  if (cached) return cached;
  const digest = createHash('sha256').update(JSON.stringify(data)).digest('hex');
  if (typeof data === 'object' && data !== null) digests.set(data, digest);
  return digest;
}

export function contentStamp(
  incidents: readonly { id: string; data: unknown }[],
  problems: readonly ContentProblem[],
): string {
  const hash = createHash('sha256');
  for (const { id, data } of [...incidents].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)))
    hash.update(id).update('\0').update(digestOf(data)).update('\0');
  hash.update(JSON.stringify(problems));
  return hash.digest('hex').slice(0, 16);
}
