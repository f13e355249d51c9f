import { describe, expect, it } from 'vitest';
import { defaultVerifyQuery, promqlEscape, renderQuery, targetFromLabels, targetKey } from './catalogue.js';

describe('action catalogue', () => {
  it('takes each action\'s target from the alert labels', () => {
    const labels = { alertname: 'KubePodCrashLooping', namespace: 'kona', pod: 'web-7d9f8b6c5-x2kqp', deployment: 'web', container: 'app' };
    expect(targetFromLabels('delete-pod', labels)).toEqual({ ok: true, target: { namespace: 'kona', kind: 'pod', name: 'web-7d9f8b6c5-x2kqp' } });
    expect(targetFromLabels('restart-deployment', labels)).toEqual({ ok: true, target: { namespace: 'kona', kind: 'deployment', name: 'web' } });
    expect(targetFromLabels('scale-to-declared', labels)).toEqual({ ok: true, target: { namespace: 'kona', kind: 'deployment', name: 'web' } });
    expect(targetKey({ namespace: 'kona', kind: 'pod', name: 'p' })).toBe('kona/p');
  });

  it('a missing or empty label makes it not executable, saying which', () => {
    expect(targetFromLabels('restart-deployment', { namespace: 'kona', pod: 'x' })).toEqual({ ok: false, reason: 'restart-deployment needs the label deployment, which the alert does not carry.' });
    expect(targetFromLabels('delete-pod', { pod: 'x', namespace: '' })).toEqual({ ok: false, reason: 'delete-pod needs the label namespace, which the alert does not carry.' });
    expect(targetFromLabels('scale-to-declared', {})).toMatchObject({ ok: false, reason: expect.stringMatching(/labels namespace, deployment/) });
  });

  it('refuses label values that are not Kubernetes names (labels come from the sender)', () => {
    expect(targetFromLabels('delete-pod', { namespace: 'kona', pod: 'web/../../x' })).toMatchObject({ ok: false, reason: expect.stringMatching(/pod label is not a Kubernetes object name/) });
    expect(targetFromLabels('delete-pod', { namespace: 'Kona', pod: 'web' })).toMatchObject({ ok: false, reason: expect.stringMatching(/namespace label/) });
    expect(targetFromLabels('restart-deployment', { namespace: 'kona', deployment: 'web"}' })).toMatchObject({ ok: false });
  });

  it('default verification: the alert no longer in ALERTS for the deployment, or for any pod of the deleted pod\'s owner', () => {
    expect(defaultVerifyQuery('KubeDeploymentReplicasMismatch', { namespace: 'kona', kind: 'deployment', name: 'web' }))
      .toBe('ALERTS{alertname="KubeDeploymentReplicasMismatch",namespace="kona",deployment="web"}');
    expect(defaultVerifyQuery('KubePodCrashLooping', { namespace: 'kona', kind: 'pod', name: 'web.v2-7d9f8b6c5-x2kqp' }))
      .toBe('ALERTS{alertname="KubePodCrashLooping",namespace="kona",pod=~"web\\\\.v2-.+"}');
    // A StatefulSet pod keeps its name: matched exactly.
    expect(defaultVerifyQuery('KubePodCrashLooping', { namespace: 'kona', kind: 'pod', name: 'db-0' })).toBe('ALERTS{alertname="KubePodCrashLooping",namespace="kona",pod="db-0"}');
  });

  it('renders a rule\'s query with the target, escaped for PromQL strings', () => {
    const q = renderQuery('up{namespace="{{namespace}}",deployment="{{ deployment }}",a="{{alertname}}",p="{{pod}}"} == 0', 'X"y\\', { namespace: 'kona', kind: 'deployment', name: 'web' });
    expect(q).toBe('up{namespace="kona",deployment="web",a="X\\"y\\\\",p="{{pod}}"} == 0');
    expect(promqlEscape('a\nb')).toBe('a\\nb');
  });
});
