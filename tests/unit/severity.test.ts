import { describe, expect, it } from 'vitest';
import { severityLabel, statuspageImpact } from '../../src/domain/severity.ts';
import { SEVERITIES } from '../../src/schemas/incident.ts';

describe('severity', () => {
  it('maps each severity to the Statuspage impact level', () => {
    expect(SEVERITIES.map((s) => statuspageImpact(s))).toEqual(['critical', 'major', 'minor', 'none']);
  });

  it('labels a severity in words as well as its code', () => {
    expect(SEVERITIES.map((s) => severityLabel(s))).toEqual([
      'SEV1 · critical',
      'SEV2 · major',
      'SEV3 · minor',
      'SEV4 · none',
    ]);
  });
});
