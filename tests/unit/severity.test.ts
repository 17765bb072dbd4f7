import { describe, expect, it } from 'vitest';
import { statuspageImpact } from '../../src/domain/severity.ts';
import { english, makeTranslator } from '../../src/i18n/catalogue.ts';
import { severityWords } from '../../src/i18n/format.ts';
import { zhCn } from '../../src/i18n/locales/zh-cn.ts';
import { SEVERITIES } from '../../src/schemas/incident.ts';

describe('severity', () => {
  it('maps each severity to the Statuspage impact level', () => {
    expect(SEVERITIES.map((s) => statuspageImpact(s))).toEqual(['critical', 'major', 'minor', 'none']);
  });

  it('labels a severity in words as well as its code', () => {
    expect(SEVERITIES.map((s) => severityWords(english, s))).toEqual([
      'SEV1 · critical',
      'SEV2 · major',
      'SEV3 · minor',
      'SEV4 · none',
    ]);
    const chinese = makeTranslator('zh-cn', 'zh-CN', zhCn);
    expect(severityWords(chinese, 'SEV1')).toBe('SEV1 · 严重');
  });
});
