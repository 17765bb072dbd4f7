import type { Severity } from '../schemas/incident.ts';

/** Statuspage's impact levels, which Statuspage-compatible exports use for our severities. */
export type StatuspageImpact = 'none' | 'minor' | 'major' | 'critical';

const IMPACT: Record<Severity, StatuspageImpact> = {
  SEV1: 'critical',
  SEV2: 'major',
  SEV3: 'minor',
  SEV4: 'none',
};

export function statuspageImpact(severity: Severity): StatuspageImpact {
  return IMPACT[severity];
}
