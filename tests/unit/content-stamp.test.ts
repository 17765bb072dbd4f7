import { describe, expect, it } from 'vitest';
import { contentStamp } from '../../src/view/content-stamp.ts';

describe('contentStamp', () => {
  const a = { id: 'a', data: { title: 'A', severity: 'SEV2' } };
  const b = { id: 'b', data: { title: 'B' } };

  it('is the same for the same content in any order', () => {
    expect(contentStamp([a, b], [])).toBe(contentStamp([b, a], []));
    expect(contentStamp([a, b], [])).toMatch(/^[0-9a-f]{16}$/);
  });

  it('changes with a field of any incident, an incident more or less, and the problems shown', () => {
    const stamp = contentStamp([a, b], []);
    expect(contentStamp([{ ...a, data: { ...a.data, severity: 'SEV1' } }, b], [])).not.toBe(stamp);
    expect(contentStamp([a], [])).not.toBe(stamp);
    expect(contentStamp([a, b], [{ file: 'content/incidents/a/index.mdx', message: 'bad' }])).not.toBe(stamp);
  });
});
