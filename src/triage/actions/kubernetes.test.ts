import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import type { ActionRequest } from './catalogue.js';
import { KubernetesExecutor } from './kubernetes.js';
import { fakeDeployment, fakePod, startFakeKubernetes, type FakeKubernetes } from './actions.testing.js';

const T = Date.UTC(2026, 10, 25, 17, 30, 12, 345);
const restart: ActionRequest = { name: 'restart-deployment', target: { namespace: 'kona', kind: 'deployment', name: 'web' } };
const del: ActionRequest = { name: 'delete-pod', target: { namespace: 'kona', kind: 'pod', name: 'web-7d9f8b6c5-x2kqp' } };
const scale: ActionRequest = { name: 'scale-to-declared', target: { namespace: 'kona', kind: 'deployment', name: 'web' } };

describe('KubernetesExecutor against a fake API server', () => {
  let api: FakeKubernetes;
  let exec: KubernetesExecutor;
  beforeAll(async () => {
    api = await startFakeKubernetes();
  });
  afterAll(async () => {
    await api.close();
  });
  beforeEach(() => {
    api.deployments.clear();
    api.pods.clear();
    api.requests.length = 0;
    exec = new KubernetesExecutor({ namespaces: ['kona'], kubeConfig: api.kubeConfig(), now: () => T });
  });

  it('restarts a deployment as kubectl does: a strategic merge patch of the template annotation', async () => {
    api.deployments.set('kona/web', fakeDeployment('kona', 'web'));
    expect(await exec.precondition(restart)).toMatchObject({ ok: true });
    const done = await exec.execute(restart);
    expect(done.facts).toEqual({ restartedAt: '2026-11-25T17:30:12Z' });
    const patch = api.requests.find((r) => r.method === 'PATCH');
    expect(patch).toMatchObject({
      path: '/apis/apps/v1/namespaces/kona/deployments/web',
      contentType: 'application/strategic-merge-patch+json',
      authorization: 'Bearer fake-token',
      body: { spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': '2026-11-25T17:30:12Z' } } } } },
    });
    // The fake bumped the generation and the status has not caught up: rolling out, not verified, and not restartable again.
    expect(await exec.verify(restart, done.facts ?? {})).toMatchObject({ ok: false });
    expect(await exec.precondition(restart)).toMatchObject({ ok: false, detail: expect.stringMatching(/already rolling out/) });
    const d = api.deployments.get('kona/web')!;
    d.status.observedGeneration = d.metadata.generation;
    expect(await exec.verify(restart, done.facts ?? {})).toMatchObject({ ok: true, detail: 'Deployment kona/web has all 2 replicas updated and available.' });
  });

  it('refuses a missing, paused or scaled-to-zero deployment, and a namespace it may not act in', async () => {
    expect(await exec.precondition(restart)).toEqual({ ok: false, detail: 'Deployment kona/web does not exist.' });
    api.deployments.set('kona/web', fakeDeployment('kona', 'web', { paused: true }));
    expect(await exec.precondition(restart)).toMatchObject({ ok: false, detail: 'Deployment kona/web is paused.' });
    api.deployments.set('kona/web', fakeDeployment('kona', 'web', { replicas: 0 }));
    expect(await exec.precondition(restart)).toMatchObject({ ok: false, detail: expect.stringMatching(/scaled to zero/) });
    const before = api.requests.length;
    const other: ActionRequest = { ...restart, target: { ...restart.target, namespace: 'kube-system' } };
    expect(await exec.precondition(other)).toMatchObject({ ok: false, detail: expect.stringMatching(/not among the namespaces/) });
    await expect(exec.execute(other)).rejects.toThrow(/not among the namespaces/);
    expect(api.requests.length).toBe(before);
  });

  it('deletes a crash-looping pod with its uid as a precondition, and verifies it is gone', async () => {
    api.pods.set('kona/web-7d9f8b6c5-x2kqp', fakePod('kona', 'web-7d9f8b6c5-x2kqp', { crashLooping: true, uid: 'u-1' }));
    expect(await exec.precondition(del)).toMatchObject({ ok: true, detail: expect.stringMatching(/CrashLoopBackOff \(7 restarts\)/) });
    const done = await exec.execute(del);
    expect(done.facts).toEqual({ uid: 'u-1' });
    expect(api.requests.at(-1)).toMatchObject({ method: 'DELETE', path: '/api/v1/namespaces/kona/pods/web-7d9f8b6c5-x2kqp', body: { preconditions: { uid: 'u-1' } } });
    expect(api.pods.size).toBe(0);
    expect(await exec.verify(del, { uid: 'u-1' })).toMatchObject({ ok: true });
    expect(await exec.precondition(del)).toEqual({ ok: false, detail: 'Pod kona/web-7d9f8b6c5-x2kqp no longer exists.' });
  });

  it('does not delete a healthy pod, a terminating one or one without a controller', async () => {
    api.pods.set('kona/web-7d9f8b6c5-x2kqp', fakePod('kona', 'web-7d9f8b6c5-x2kqp'));
    expect(await exec.precondition(del)).toMatchObject({ ok: false, detail: expect.stringMatching(/ready and not crash-looping/) });
    api.pods.set('kona/web-7d9f8b6c5-x2kqp', fakePod('kona', 'web-7d9f8b6c5-x2kqp', { crashLooping: true, owned: false }));
    expect(await exec.precondition(del)).toMatchObject({ ok: false, detail: expect.stringMatching(/no controller/) });
    const terminating = fakePod('kona', 'web-7d9f8b6c5-x2kqp', { crashLooping: true });
    terminating.metadata.deletionTimestamp = '2026-11-25T17:00:00Z';
    api.pods.set('kona/web-7d9f8b6c5-x2kqp', terminating);
    expect(await exec.precondition(del)).toMatchObject({ ok: false, detail: expect.stringMatching(/already terminating/) });
    expect(api.requests.every((r) => r.method === 'GET')).toBe(true);
  });

  it('a same-named pod that is still the deleted one fails verification; a ready successor passes', async () => {
    api.pods.set('kona/db-0', fakePod('kona', 'db-0', { uid: 'old', crashLooping: true }));
    const sts: ActionRequest = { name: 'delete-pod', target: { namespace: 'kona', kind: 'pod', name: 'db-0' } };
    expect(await exec.verify(sts, { uid: 'old' })).toMatchObject({ ok: false, detail: 'Pod kona/db-0 (uid old) still exists.' });
    api.pods.set('kona/db-0', fakePod('kona', 'db-0', { uid: 'new' }));
    expect(await exec.verify(sts, { uid: 'old' })).toMatchObject({ ok: true, detail: 'Pod kona/db-0 was recreated and is ready.' });
  });

  it('scales to the declared replicas from the annotation through the scale subresource', async () => {
    api.deployments.set('kona/web', fakeDeployment('kona', 'web', { replicas: 1, annotations: { 'kona.example/declared-replicas': '3' } }));
    expect(await exec.precondition(scale)).toMatchObject({ ok: true, detail: 'Deployment kona/web has 1 replicas; declared 3.' });
    const done = await exec.execute(scale);
    expect(done.facts).toEqual({ declared: '3' });
    expect(api.requests.at(-1)).toMatchObject({
      method: 'PATCH', path: '/apis/apps/v1/namespaces/kona/deployments/web/scale', contentType: 'application/merge-patch+json', body: { spec: { replicas: 3 } },
    });
    expect(await exec.verify(scale, done.facts ?? {})).toMatchObject({ ok: false, detail: expect.stringMatching(/1 of 3 replicas available/) });
    const d = api.deployments.get('kona/web')!;
    Object.assign(d.status, { observedGeneration: d.metadata.generation, replicas: 3, updatedReplicas: 3, availableReplicas: 3 });
    expect(await exec.verify(scale, done.facts ?? {})).toMatchObject({ ok: true });
    expect(await exec.precondition(scale)).toMatchObject({ ok: false, detail: expect.stringMatching(/already has its declared 3 replicas/) });
  });

  it('refuses to scale without a declared count, or when the policy and the annotation disagree', async () => {
    api.deployments.set('kona/web', fakeDeployment('kona', 'web', { replicas: 1 }));
    expect(await exec.precondition(scale)).toMatchObject({ ok: false, detail: expect.stringMatching(/No declared replica count/) });
    await expect(exec.execute(scale)).rejects.toThrow(/No declared replica count/);
    api.deployments.set('kona/web', fakeDeployment('kona', 'web', { replicas: 1, annotations: { 'kona.example/declared-replicas': '3' } }));
    const withPolicy = new KubernetesExecutor({ namespaces: ['kona'], kubeConfig: api.kubeConfig(), declaredReplicas: { 'kona/web': 2 } });
    expect(await withPolicy.precondition(scale)).toMatchObject({ ok: false, detail: expect.stringMatching(/policy declares 2 .* annotation says 3/) });
    api.deployments.set('kona/web', fakeDeployment('kona', 'web', { replicas: 1, annotations: { 'kona.example/declared-replicas': 'lots' } }));
    expect(await exec.precondition(scale)).toMatchObject({ ok: false, detail: expect.stringMatching(/not a whole number/) });
    expect(api.requests.some((r) => r.method === 'PATCH')).toBe(false);
  });

  it('turns an API refusal into a readable error', async () => {
    api.pods.set('kona/web-7d9f8b6c5-x2kqp', fakePod('kona', 'web-7d9f8b6c5-x2kqp', { crashLooping: true }));
    // Swap the pod between the read and the delete: the uid precondition makes the API refuse.
    const original = api.pods.get('kona/web-7d9f8b6c5-x2kqp')!;
    Object.defineProperty(original.metadata, 'uid', { get: () => (api.requests.at(-1)?.method === 'DELETE' ? 'someone-else' : 'uid-checked') });
    await expect(exec.execute(del)).rejects.toThrow(/^delete-pod on kona\/web-7d9f8b6c5-x2kqp failed: HTTP 409: Precondition failed/);
    expect(api.pods.has('kona/web-7d9f8b6c5-x2kqp')).toBe(true);
  });

  it('makes exactly the calls deploy/triage-rbac.yaml grants, no more and no fewer', async () => {
    api.deployments.set('kona/web', fakeDeployment('kona', 'web', { replicas: 1, annotations: { 'kona.example/declared-replicas': '2' } }));
    api.pods.set('kona/web-7d9f8b6c5-x2kqp', fakePod('kona', 'web-7d9f8b6c5-x2kqp', { crashLooping: true }));
    for (const req of [restart, scale, del]) {
      await exec.precondition(req);
      const done = await exec.execute(req);
      await exec.verify(req, done.facts ?? {});
    }
    const verbs: Record<string, string> = { GET: 'get', PATCH: 'patch', DELETE: 'delete' };
    const used = new Set(api.requests.map((r) => {
      const m = /^\/apis?\/(?:(apps)\/)?v1\/namespaces\/kona\/([a-z]+)\/[^/]+(\/scale)?$/.exec(r.path);
      return `${m?.[1] ?? ''}|${m?.[2]}${m?.[3] ?? ''}|${verbs[r.method]}`;
    }));
    const file = fileURLToPath(new URL('../../../deploy/triage-rbac.yaml', import.meta.url));
    const docs = parseAllDocuments(readFileSync(file, 'utf8')).map((d) => d.toJS() as { kind: string; metadata?: { name?: string }; rules?: { apiGroups: string[]; resources: string[]; verbs: string[] }[] });
    // The executor's Role; the read-only context Role is checked by context/gather.test.ts.
    const granted = new Set(docs.filter((d) => d.kind === 'Role' && d.metadata?.name === 'kona-triage-actions').flatMap((d) => d.rules ?? []).flatMap((r) => r.apiGroups.flatMap((g) => r.resources.flatMap((res) => r.verbs.map((v) => `${g}|${res}|${v}`)))));
    expect([...used].sort()).toEqual([...granted].sort());
    expect(docs.map((d) => d.kind)).toEqual(['ServiceAccount', 'Role', 'RoleBinding', 'Role', 'RoleBinding']);
  });
});
