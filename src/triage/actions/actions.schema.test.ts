import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parsePolicy, PolicyError } from '../policy/policy.load.js';

function problemsOf(text: string): string[] {
  try {
    parsePolicy(text);
  } catch (err) {
    if (err instanceof PolicyError) return err.problems;
    throw err;
  }
  throw new Error('expected the policy to be refused');
}

const rule = (action: string) => `rules:
  - name: crashloop
    match: { alertname: KubePodCrashLooping }
    class: routine
    action: ${action}
`;

describe('policy: actions section and rule-level action settings', () => {
  it('is optional: a policy without it loads and has no actions', () => {
    expect(parsePolicy('mode: act\n').actions).toBeUndefined();
  });

  it('fills the defaults of the limits and verification', () => {
    const p = parsePolicy('actions:\n  executor: kubernetes\n  kubernetes: { namespaces: [kona] }\n');
    expect(p.actions).toEqual({
      executor: 'kubernetes', kubernetes: { namespaces: ['kona'] }, perTargetMinutes: 30, budgetPerHour: 3, verifyAfterMinutes: 5, checkIntervalSeconds: 30, declaredReplicas: {},
    });
  });

  it('accepts the rule-level verify settings', () => {
    const p = parsePolicy(`actions:\n  executor: kubernetes\n  kubernetes: { namespaces: [kona] }\n  prometheusUrl: http://prometheus:9090\n${rule('{ name: delete-pod, enabled: true, verify: { query: "up == 0", afterMinutes: 10 } }')}`);
    expect(p.rules[0]?.action).toEqual({ name: 'delete-pod', enabled: true, verify: { query: 'up == 0', afterMinutes: 10 }, watchRecovery: true });
  });

  it("takes a local target's journal unit and log file for the diagnosis context, and a rule's restart budget", () => {
    const p = parsePolicy(`actions:\n  executor: local\n  local:\n    targets:\n      "box/exporter": { restart: [x], status: [y], unit: kona-exporter.service, logFile: /var/log/exporter.log }\n${rule('{ name: delete-pod, enabled: true, budget: { restarts: 2, windowMinutes: 60 }, watchRecovery: false }')}`);
    expect(p.actions?.local?.targets['box/exporter']).toEqual({ restart: ['x'], status: ['y'], unit: 'kona-exporter.service', logFile: '/var/log/exporter.log' });
    expect(p.rules[0]?.action).toMatchObject({ budget: { restarts: 2, windowMinutes: 60 }, watchRecovery: false });
    expect(problemsOf(`actions:\n  executor: local\n  local:\n    targets:\n      "box/exporter": { restart: [x], status: [y], unit: "a b", logFile: var/log/x.log }\n${rule('{ name: delete-pod, enabled: true, budget: { restarts: 0, windowMinutes: 60 } }')}`)).toEqual([
      'triage-policy.yaml:10:68: rules[0].action.budget.restarts: must be at least 1',
      'triage-policy.yaml:5:58: actions.local.targets.box/exporter.unit: must be a systemd unit name',
      'triage-policy.yaml:5:74: actions.local.targets.box/exporter.logFile: must be an absolute path',
    ]);
  });

  it('refuses an executor without its settings, bad targets and commands, and an unverifiable local target', () => {
    expect(problemsOf('actions:\n  executor: kubernetes\n')).toEqual(['triage-policy.yaml:2:3: actions.kubernetes: is required when executor is kubernetes (list the namespaces to act in)']);
    const local = problemsOf(`actions:
  executor: local
  local:
    targets:
      "box/exporter": { restart: [] }
      "not a key": { restart: [x], status: [y] }
  declaredReplicas: { "kona/web": 0 }
  budgetPerHour: -1
`);
    expect(local).toEqual(expect.arrayContaining([
      expect.stringMatching(/^triage-policy\.yaml:5:\d+: actions\.local\.targets\.box\/exporter\.restart: must name the program to run$/),
      expect.stringMatching(/actions\.local\.targets\.not a key: must be "<namespace>\/<name>" with Kubernetes names/),
      expect.stringMatching(/actions\.declaredReplicas\.kona\/web: must be at least 1 \(scaling to zero is never a fix\)/),
      expect.stringMatching(/actions\.budgetPerHour: must not be negative/),
    ]));
    expect(problemsOf('actions:\n  executor: local\n  local:\n    targets:\n      "box/exporter": { restart: [x] }\n')).toEqual([
      expect.stringMatching(/actions\.local\.targets\.box\/exporter\.status: is required when actions\.prometheusUrl is not set/),
    ]);
  });

  it('refuses a verify query without Prometheus, and scale-to-declared on the local executor', () => {
    expect(problemsOf(`actions:\n  executor: kubernetes\n  kubernetes: { namespaces: [kona] }\n${rule('{ name: delete-pod, enabled: true, verify: { query: "up == 0" } }')}`))
      .toEqual([expect.stringMatching(/^triage-policy\.yaml:\d+:\d+: rules\[0\]\.action\.verify\.query: needs actions\.prometheusUrl to be read$/)]);
    expect(problemsOf(`actions:\n  executor: local\n  prometheusUrl: http://p:9090\n  local: { targets: { "kona/web": { restart: [x] } } }\n${rule('{ name: scale-to-declared, enabled: true }')}`))
      .toEqual([expect.stringMatching(/rules\[0\]\.action\.name: the local executor cannot scale/)]);
    expect(problemsOf(rule('{ name: delete-pod, enabled: true, verify: { afterMinutes: 0, retries: 2 } }'))).toEqual(expect.arrayContaining([
      expect.stringMatching(/rules\[0\]\.action\.verify\.afterMinutes: must be at least 1/),
      expect.stringMatching(/rules\[0\]\.action\.verify\.retries: is not a known setting/),
    ]));
  });

  it('the example policy file loads, and its commented actions section is valid once uncommented', () => {
    const text = readFileSync(fileURLToPath(new URL('../../../deploy/triage-policy.example.yaml', import.meta.url)), 'utf8');
    expect(parsePolicy(text).mode).toBe('observe');
    const lines = text.split('\n');
    const start = lines.indexOf('# actions:');
    const end = lines.findIndex((l, i) => i > start && !l.startsWith('#'));
    const section = lines.slice(start, end).map((l) => l.replace(/^# ?/, '')).join('\n');
    expect(parsePolicy(section).actions).toMatchObject({
      executor: 'kubernetes', kubernetes: { namespaces: ['kona'] }, perTargetMinutes: 30, budgetPerHour: 3, verifyAfterMinutes: 5, declaredReplicas: { 'kona/web': 2 },
      local: { targets: { 'box/exporter': { restart: ['/usr/bin/systemctl', 'restart', 'kona-exporter.service'] } } },
    });
  });
});
