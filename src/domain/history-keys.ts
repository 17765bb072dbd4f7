/**
 * Keys by which prose, timeline entries and relations refer to history items:
 * `#2641` (issue or pull request in the incident's main repository), `owner/name#12`,
 * `v4.5.5` (release tag), `owner/name@v1.0`, `CVE-2023-28858`, and a commit's short SHA.
 */
import type { HistoryItem } from '../schemas/history.ts';

export function historyKey(item: HistoryItem, mainRepo: string | undefined): string {
  const foreign = item.repo && item.repo !== mainRepo ? item.repo : '';
  switch (item.type) {
    case 'issue':
    case 'pull':
      return `${foreign}#${item.number}`;
    case 'release':
      return foreign ? `${foreign}@${item.tag}` : item.tag;
    case 'commit':
      return `${foreign ? `${foreign}@` : ''}${item.sha.slice(0, 7)}`;
    case 'advisory':
      return item.id;
  }
}

/**
 * How pages name a history item: `Issue #2624`, `PR #2641`, `Release v4.5.5`, `Commit 66a4c6b`,
 * `CVE-2023-28858`, with the item's key (so a foreign repository stays visible). `short` drops
 * the word before a release's tag, for the fix graph's small nodes and the history table.
 */
export function historyLabel(item: HistoryItem, key: string, { short = false } = {}): string {
  switch (item.type) {
    case 'issue':
      return `Issue ${key}`;
    case 'pull':
      return `PR ${key}`;
    case 'release':
      return short ? key : `Release ${key}`;
    case 'commit':
      return `Commit ${key}`;
    case 'advisory':
      return item.id;
  }
}

/** A few known keys that look like `wanted`, to suggest in an error message. */
export function similarKeys(wanted: string, known: Iterable<string>, limit = 3): string[] {
  const digits = wanted.replace(/\D/g, '');
  const scored = [...known].map((key) => {
    const keyDigits = key.replace(/\D/g, '');
    let score = 0;
    while (score < digits.length && digits[score] === keyDigits[score]) score++;
    return { key, score };
  });
  return scored
    .filter((s) => s.score >= 2)
    .sort((a, b) => b.score - a.score)
    .slice(0, limit)
    .map((s) => s.key);
}
