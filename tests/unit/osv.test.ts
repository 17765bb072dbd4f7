import { describe, expect, it } from 'vitest';
import type { IncidentRepro } from '../../src/domain/incident-record.ts';
import { osvDocument } from '../../src/exports/osv.ts';
import type { AffectedRangesView } from '../../src/view/affected-ranges-view.ts';
import { osvValidator } from '../support/osv.ts';

const repro = {
  id: 'leak',
  manifest: { runtime: 'python' },
  results: { recordedAt: '2026-11-28T09:00:00.000Z' },
} as unknown as IncidentRepro;

const ranges: AffectedRangesView = {
  packageName: 'somelib',
  range: '>=1.0,<=2.0',
  listedBy: 'pip index versions somelib',
  count: 4,
  listedOn: '2026-11-28',
  intervals: [
    { introduced: '1.1', lastAffected: '1.1', fixed: '1.2', versions: ['1.1'], unknown: [], text: '' },
    { introduced: '1.5', lastAffected: '2.0', versions: ['1.5', '1.9', '2.0'], unknown: ['1.9'], text: '' },
  ],
  unknown: ['1.9'],
  stale: false,
};

describe('osvDocument', () => {
  it('ends an interval that no later release ran clean at its last affected version, and leaves unknowns out of versions', () => {
    const doc = osvDocument({ slug: 's', title: 'T', pageUrl: '/incidents/s/', repros: [{ repro, ranges }] });
    const validate = osvValidator();
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    const [affected] = doc.affected as {
      ranges: { events: unknown[] }[];
      versions: string[];
      database_specific: unknown;
    }[];
    // OSV forbids fixed and last_affected in one range: one range of each.
    expect(affected!.ranges.map((r) => r.events)).toEqual([
      [{ introduced: '1.1' }, { fixed: '1.2' }],
      [{ introduced: '1.5' }, { last_affected: '2.0' }],
    ]);
    expect(affected!.versions).toEqual(['1.1', '1.5', '2.0']);
    expect(affected!.database_specific).toMatchObject({ unknown: ['1.9'] });
    // A site without `site` has no absolute page address: no reference rather than an invalid one.
    expect(doc.references).toEqual([]);
    expect(doc.related).toBeUndefined();
  });
});
