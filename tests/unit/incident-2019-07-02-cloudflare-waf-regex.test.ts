/**
 * Cross-checks for the Cloudflare incident of 2 July 2019: what the page states agrees with its
 * sourced facts, every figure read in a third-party copy is labelled secondary, inferences are
 * labelled, and the recorded repro shows the matrix the prose describes.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readArchive } from '../../src/archive/archive.ts';

const slug = '2019-07-02-cloudflare-waf-regex';
const root = resolve(import.meta.dirname, '../..');
const { incidents, problems } = readArchive(root);
const incident = incidents.find((i) => i.slug === slug)!;
const fact = (key: string) => incident.facts.find((f) => f.key === key)!;
const body = incident.body;

type Cell = { version: string; parameters: Record<string, string>; verdict: string; stdout: string };
const results = JSON.parse(
  readFileSync(resolve(root, 'content/incidents', slug, 'repros/regex-budget/results.json'), 'utf8'),
) as { cells: Cell[] };
const timeOf = (cell: Cell) => Number(/time_ms=([\d.]+)/.exec(cell.stdout)![1]);
const cell = (version: string, engine: string, n: number) =>
  results.cells.find((c) => c.version === version && c.parameters.ENGINE === engine && c.parameters.N === String(n))!;

describe('Cloudflare, 2 July 2019', () => {
  it('is in the archive without content problems, so every fact binding agrees', () => {
    expect(incident).toBeDefined();
    expect(problems.filter((p) => p.file.includes(slug))).toEqual([]);
  });

  it('states the UTC times of the facts in the frontmatter and the timeline', () => {
    expect(incident.frontmatter.timezone).toBe('Etc/UTC');
    expect(fact('start-time').value).toBe('2019-07-02T13:42:00Z');
    expect(fact('traffic-restored').value).toBe('2019-07-02T14:09:00Z');
    expect(fact('waf-reenabled').value).toBe('2019-07-02T14:52:00Z');
    expect(incident.timeline.find((e) => e.kind === 'trigger')!.at.iso).toBe('2019-07-02T13:42:00Z');
    expect(incident.timeline.find((e) => e.kind === 'impact-end')!.at.iso).toBe('2019-07-02T14:09:00Z');
    expect(incident.timeline.find((e) => e.kind === 'resolved')!.at.iso).toBe('2019-07-02T14:52:00Z');
    expect(incident.frontmatter.detected).toBeNull();
  });

  it('labels every figure read in a third-party copy as secondary, and only Cloudflare-read facts as verified', () => {
    const verified = incident.facts.filter((f) => f.confidence === 'verified');
    expect(verified.map((f) => f.key)).toEqual(['postmortem-published']);
    for (const f of verified) expect(f.source).toMatch(/^https:\/\/blog\.cloudflare\.com/);
    for (const f of incident.facts.filter((x) => x.confidence === 'secondary'))
      expect(f.source).not.toMatch(/cloudflare\.com/);
    for (const e of incident.timeline.filter((x) => !x.source.includes('blog.cloudflare.com')))
      expect(e.confidence).not.toBe('verified');
    const primary = incident.frontmatter.sources.find(
      (s) => s.url === 'https://blog.cloudflare.com/details-of-the-cloudflare-outage-on-july-2-2019/',
    )!;
    expect(primary.note).toMatch(/No stored copy of the English text could be read/);
  });

  it('keeps the published expression, and the repro runs exactly that expression', () => {
    const regex = String(fact('waf-regex').value);
    expect(regex).toContain('.*(?:.*=.*)');
    expect(body).toContain(regex);
    const snippet = readFileSync(resolve(root, 'content/incidents', slug, 'repros/regex-budget/match.mjs'), 'utf8');
    expect(snippet).toContain('String.raw`' + regex + '`;');
  });

  it('labels the inferences and shows both accounts of when the kill took effect', () => {
    expect(fact('status-lag')).toMatchObject({ confidence: 'estimated' });
    expect(fact('status-lag').note).toMatch(/^Inference/);
    expect(fact('kill-executed').note).toMatch(/occurred at 1409 UTC/);
    expect(body).toMatch(/The timeline keeps both/);
    expect(body).toMatch(/SEV1 is this page's rating/);
  });

  it('records the matrix the prose cites: super-linear on backtracking, within budget on both linear engines', () => {
    expect(results.cells).toHaveLength(30);
    for (const version of ['1.4.0', '2.10.0']) {
      const back = [25, 50, 100, 250, 500].map((n) => timeOf(cell(version, 'backtracking', n)));
      expect(cell(version, 'backtracking', 100).verdict).toBe('not-reproduced');
      expect(cell(version, 'backtracking', 250).verdict).toBe('reproduced');
      expect(cell(version, 'backtracking', 500).verdict).toBe('reproduced');
      // Doubling N from 250 to 500 multiplies the time by far more than 2.
      expect(back[4]! / back[3]!).toBeGreaterThan(4);
      expect(back[4]).toBeGreaterThan(1000);
      for (const engine of ['v8-linear', 're2js']) {
        for (const n of [25, 50, 100, 250, 500]) {
          expect(cell(version, engine, n).verdict).toBe('not-reproduced');
          expect(timeOf(cell(version, engine, n))).toBeLessThan(100);
        }
      }
      expect(cell(version, 'backtracking', 25).stdout).toContain(`imported re2js ${version}`);
    }
    for (const params of [
      'ENGINE=backtracking N=250',
      'ENGINE=backtracking N=500',
      'ENGINE=v8-linear N=500',
      'ENGINE=re2js N=500',
    ]) {
      expect(body).toContain(`<Verdict repro="regex-budget" version="2.10.0" params="${params}" />`);
    }
  });
});
