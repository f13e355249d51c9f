import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadPolicy, parsePolicy, PolicyError } from './policy.load.js';
import { actionCatalogue, severityRank } from './policy.schema.js';

const exampleFile = fileURLToPath(new URL('../../../deploy/triage-policy.example.yaml', import.meta.url));

/** The problems a policy text is refused for (fails the test if it is accepted). */
function problemsOf(text: string): string[] {
  try {
    parsePolicy(text);
  } catch (err) {
    if (err instanceof PolicyError) return err.problems;
    throw err;
  }
  throw new Error('expected the policy to be refused');
}

describe('parsePolicy', () => {
  it('loads the example file: observe mode, critical threshold, routine and serious rules', () => {
    const policy = loadPolicy(exampleFile);
    expect(policy.mode).toBe('observe');
    expect(policy.severityThreshold).toBe('critical');
    expect(policy.heartbeat).toEqual({ alertname: 'Watchdog', windowMinutes: 10 });
    const byName = new Map(policy.rules.map((r) => [r.name, r]));
    expect(byName.get('crashloop-under-budget')?.action).toEqual({ name: 'delete-pod', enabled: true, budget: { restarts: 2, windowMinutes: 60 }, watchRecovery: true });
    expect(byName.get('error-rate-restart')?.action).toMatchObject({ name: 'restart-deployment', budget: { restarts: 1, windowMinutes: 120 }, watchRecovery: true });
    expect(byName.get('k3s-control-plane-false-positive')).toMatchObject({ class: 'routine', route: 'record' });
    expect(byName.get('node-not-ready')?.class).toBe('serious');
    expect(byName.get('kona-target-down')).toMatchObject({ class: 'serious', route: 'diagnose' });
  });

  it('fills defaults for an empty file: observe mode, no rules', () => {
    const policy = parsePolicy('');
    expect(policy).toMatchObject({ mode: 'observe', severityThreshold: 'critical', rules: [] });
    expect(policy.flapping).toEqual({ transitions: 4, windowMinutes: 60 });
    expect(policy.duplicates).toEqual({ resendWindowMinutes: 10 });
  });

  it('names the line and column of a missing alertname', () => {
    const text = ['mode: observe', 'rules:', '  - name: a', '    match:', '      severity: warning', '    class: routine', ''].join('\n');
    expect(problemsOf(text)).toEqual(['triage-policy.yaml:5:7: rules[0].match.alertname: is required']);
  });

  it('refuses an action outside the catalogue, at the line of the action name', () => {
    const text = ['rules:', '  - name: a', '    match: { alertname: X }', '    class: routine', '    action:', '      name: reboot-node', '      enabled: true'].join('\n');
    const problems = problemsOf(text);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^triage-policy\.yaml:6:13: rules\[0\]\.action\.name: must be one of the catalogue's actions: restart-deployment, delete-pod, scale-to-declared$/);
  });

  it('lists every problem at once: unknown key, bad mode, duplicate rule name, bad regex, action on a serious rule', () => {
    const text = [
      'mode: fix-everything', // 1
      'severityTreshold: warning', // 2
      'rules:', // 3
      '  - name: dup', // 4
      '    match: { alertname: A, labels: { pod: "/web-(/" } }', // 5
      '    class: routine', // 6
      '  - name: dup', // 7
      '    match: { alertname: [B] }', // 8
      '    class: serious', // 9
      '    action: { name: delete-pod, enabled: false }', // 10
    ].join('\n');
    const problems = problemsOf(text);
    expect(problems).toContain('triage-policy.yaml:2:1: severityTreshold: is not a known setting (misspelt?)');
    expect(problems.find((p) => p.includes(': mode: '))).toMatch(/^triage-policy\.yaml:1:7: mode: /);
    expect(problems).toContain('triage-policy.yaml:5:43: rules[0].match.labels.pod: is not a valid regular expression');
    expect(problems).toContain('triage-policy.yaml:10:13: rules[1].action: actions are allowed on routine rules only');
    expect(problems).toContain('triage-policy.yaml:7:11: rules[1].name: "dup" is already the name of rules[0]');
  });

  it('takes a routine rule\'s window to resolve by itself, and refuses one on a serious rule', () => {
    expect(parsePolicy('rules:\n  - { name: b, match: { alertname: A }, class: routine, resolveWithinMinutes: 15 }\n').rules[0]?.resolveWithinMinutes).toBe(15);
    expect(problemsOf('rules:\n  - { name: s, match: { alertname: A }, class: serious, resolveWithinMinutes: 15 }\n'))
      .toEqual([expect.stringMatching(/rules\[0\]\.resolveWithinMinutes: only routine rules expect an alert to resolve by itself/)]);
  });

  it('refuses a serious rule that only records, and a route beside an enabled action', () => {
    const text = [
      'rules:',
      '  - { name: s, match: { alertname: A }, class: serious, route: record }',
      '  - { name: r, match: { alertname: B }, class: routine, route: notify, action: { name: delete-pod, enabled: true } }',
    ].join('\n');
    const problems = problemsOf(text);
    expect(problems.some((p) => p.startsWith('triage-policy.yaml:2:') && p.includes('rules[0].route: a serious rule must notify or diagnose'))).toBe(true);
    expect(problems.some((p) => p.startsWith('triage-policy.yaml:3:') && p.includes('rules[1].route: a rule with an enabled action routes to act'))).toBe(true);
  });

  it('reports a YAML syntax error with its line, and a duplicate key', () => {
    const bad = problemsOf('mode: observe\nrules:\n  - name: a\n   match: [\n');
    expect(bad.length).toBeGreaterThan(0);
    expect(bad[0]).toMatch(/^triage-policy\.yaml:\d+:\d+: /);
    expect(bad.some((p) => /^triage-policy\.yaml:4:/.test(p))).toBe(true);
    expect(problemsOf('mode: observe\nmode: act\n')[0]).toMatch(/^triage-policy\.yaml:2:1: .*[Uu]nique/);
  });

  it('refuses a top level that is not a mapping', () => {
    expect(problemsOf('- a\n- b\n')).toEqual(['triage-policy.yaml:1:1: (file): must be a mapping of settings (mode, rules, …)']);
  });
});

describe('loadPolicy', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'kona-triage-policy-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('prefixes problems with the file name and says when the file is missing', () => {
    const file = path.join(dir, 'policy.yaml');
    writeFileSync(file, 'flapping:\n  transitions: 1\n');
    expect(() => loadPolicy(file)).toThrow(/policy\.yaml:2:16: flapping\.transitions: must be at least 2/);
    expect(() => loadPolicy(path.join(dir, 'absent.yaml'))).toThrow(/absent\.yaml: cannot be read \(ENOENT\)/);
  });
});

describe('policy.schema', () => {
  it('orders severities explicitly and names each action target', () => {
    expect(severityRank('info')).toBeLessThan(severityRank('warning') ?? -1);
    expect(severityRank('critical')).toBeLessThan(severityRank('page') ?? -1);
    expect(severityRank('error')).toBeUndefined();
    expect(actionCatalogue['delete-pod'].targetLabels).toEqual(['namespace', 'pod']);
  });
});
