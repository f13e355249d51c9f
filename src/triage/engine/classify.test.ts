import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../policy/policy.load.js';
import { classify } from './classify.js';

const policy = parsePolicy(`
rules:
  - { name: one, match: { alertname: [A, B], severity: [warning, critical], labels: { namespace: /kona|kona-.*/ } }, class: routine }
  - { name: exact, match: { alertname: A, labels: { namespace: monitoring } }, class: serious }
  - { name: any-a, match: { alertname: A }, class: serious }
`);

describe('classify', () => {
  it('takes the first matching rule, with lists, severities and anchored regular expressions', () => {
    expect(classify(policy, { alertname: 'B', severity: 'critical', namespace: 'kona-tenants' }).rule?.name).toBe('one');
    // Anchored: "xkona" does not match /kona|kona-.*/.
    expect(classify(policy, { alertname: 'A', severity: 'warning', namespace: 'xkona' }).rule?.name).toBe('any-a');
    expect(classify(policy, { alertname: 'A', severity: 'info', namespace: 'kona' }).rule?.name).toBe('any-a');
    expect(classify(policy, { alertname: 'A', severity: 'warning', namespace: 'monitoring' })).toMatchObject({ class: 'serious', rule: { name: 'exact' } });
  });

  it('does not match a rule whose label is missing, and calls an unmatched alertname unknown', () => {
    expect(classify(policy, { alertname: 'B', severity: 'warning' })).toMatchObject({ class: 'unknown', rule: null });
    expect(classify(policy, { alertname: 'C' })).toEqual({ class: 'unknown', rule: null });
    expect(classify(policy, {})).toEqual({ class: 'unknown', rule: null });
  });

  it('lists the rules that name an unknown alert with the first label each one wanted otherwise', () => {
    expect(classify(policy, { alertname: 'B', severity: 'warning', namespace: 'kube-system' })).toEqual({
      class: 'unknown', rule: null,
      nearMisses: [{ rule: 'one', label: 'namespace', value: 'kube-system', wanted: '"/kona|kona-.*/"' }],
    });
    expect(classify(policy, { alertname: 'B', severity: 'info', namespace: 'kona' }).nearMisses).toEqual([
      { rule: 'one', label: 'severity', value: 'info', wanted: '"warning" or "critical"' },
    ]);
    expect(classify(policy, { alertname: 'B', severity: 'warning' }).nearMisses).toEqual([
      { rule: 'one', label: 'namespace', value: undefined, wanted: '"/kona|kona-.*/"' },
    ]);
    expect(classify(policy, { alertname: 'C' }).nearMisses).toBeUndefined();
  });
});
