import { describe, expect, it } from 'vitest';
import { historyKey, similarKeys } from '../../src/domain/history-keys.ts';
import { historyItemSchema, type HistoryItem } from '../../src/schemas/history.ts';

/** Items as history.yaml would give them, defaults and all. */
const item = (raw: Record<string, unknown>): HistoryItem => historyItemSchema.parse({ title: 'T', ...raw });

describe('historyKey', () => {
  const main = 'redis/redis-py';

  it('keys issues and pull requests of the main repository by #number', () => {
    expect(historyKey(item({ type: 'issue', number: 2624 }), main)).toBe('#2624');
    expect(historyKey(item({ type: 'pull', number: 2641, repo: main }), main)).toBe('#2641');
  });

  it('prefixes items of other repositories with owner/name', () => {
    expect(historyKey(item({ type: 'pull', number: 12, repo: 'openai/openai-python' }), main)).toBe(
      'openai/openai-python#12',
    );
    expect(historyKey(item({ type: 'release', tag: 'v1.0', repo: 'acme/lib' }), main)).toBe('acme/lib@v1.0');
    expect(historyKey(item({ type: 'commit', sha: 'abcdef0123456789', repo: 'acme/lib' }), main)).toBe(
      'acme/lib@abcdef0',
    );
  });

  it('keys releases by tag, commits by short SHA and advisories by id', () => {
    expect(historyKey(item({ type: 'release', tag: 'v4.5.5' }), main)).toBe('v4.5.5');
    expect(historyKey(item({ type: 'commit', sha: '5acbde355058ab7d9c2f95bcef3993ab4134e342' }), main)).toBe('5acbde3');
    expect(historyKey(item({ type: 'advisory', id: 'CVE-2023-28858' }), main)).toBe('CVE-2023-28858');
  });

  it('treats every repo as its own when history.yaml names no repository', () => {
    expect(historyKey(item({ type: 'issue', number: 1, repo: 'a/b' }), undefined)).toBe('a/b#1');
    expect(historyKey(item({ type: 'issue', number: 1 }), undefined)).toBe('#1');
  });
});

describe('similarKeys', () => {
  const known = ['#2624', '#2641', '#2665', 'v4.5.5', 'CVE-2023-28858'];

  it('suggests keys sharing the longest leading digits, best first', () => {
    expect(similarKeys('#2642', known)).toEqual(['#2641', '#2624', '#2665']);
    expect(similarKeys('#2642', known, 1)).toEqual(['#2641']);
  });

  it('suggests nothing when fewer than two leading digits match', () => {
    expect(similarKeys('#9999', known)).toEqual([]);
    expect(similarKeys('#3', known)).toEqual([]);
    expect(similarKeys('v1', known)).toEqual([]);
  });
});
