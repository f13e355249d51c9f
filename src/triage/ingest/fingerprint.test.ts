import { describe, expect, it } from 'vitest';
import { alertFingerprint } from './fingerprint.js';

describe('alertFingerprint', () => {
  it('gives the FNV-1a 64 offset basis for an empty label set', () => {
    // prometheus/common model/signature_test.go TestMetricToFingerprint: LabelSet{} -> 14695981039346656037.
    expect(alertFingerprint({})).toBe(14695981039346656037n.toString(16));
    expect(alertFingerprint({})).toBe('cbf29ce484222325');
  });

  it('matches prometheus/common labelSetToFingerprint golden values', () => {
    // prometheus/common model/signature_test.go TestMetricToFingerprint -> 5799056148416392346.
    expect(alertFingerprint({ name: 'garland, briggs', fear: 'love is not enough' })).toBe(5799056148416392346n.toString(16).padStart(16, '0'));
    // Same file, BenchmarkMetricToFingerprintSingle / Triple.
    expect(alertFingerprint({ 'first-label': 'first-label-value' })).toBe(5146282821936882169n.toString(16).padStart(16, '0'));
    expect(alertFingerprint({ 'first-label': 'first-label-value', 'second-label': 'second-label-value', 'third-label': 'third-label-value' }))
      .toBe(13843036195897128121n.toString(16).padStart(16, '0'));
  });

  it('matches fingerprints real Alertmanagers sent', () => {
    // A captured webhook body in liamkelly15-maker/pythonwebhook docker/alert-manager-webhook/testsuites/testcurl7.sh.
    expect(alertFingerprint({
      alertname: 'Deployment', app_kubernetes_io_instance: 'eric-oss-common-base', app_kubernetes_io_managed_by: 'Helm',
      app_kubernetes_io_name: 'eric-pm-kube-state-metrics', app_kubernetes_io_version: '2.1.0_10', chart: 'eric-pm-kube-state-metrics-2.1.0_10',
      deployment: 'eric-log-transformer', instance: '192.168.69.53:8080', job: 'eric-pm-kube-state-metrics', kubernetes_name: 'eric-pm-kube-state-metrics',
      kubernetes_namespace: 'eric-eo-cm-ci406', namespace: 'eric-eo-cm-ci406', severity: 'Warning',
    })).toBe('fbab788ec4c1018b');
    // The OpenShift Watchdog payload example in the README of the "levar" Alertmanager-to-Telegram relay (hectorvido).
    expect(alertFingerprint({
      openshift_io_alert_source: 'platform', alertname: 'Watchdog', managed_cluster: '1e867401-f870-4251-b463-31db706f5744',
      severity: 'none', namespace: 'openshift-monitoring', prometheus: 'openshift-monitoring/k8s',
    })).toBe('cbe3d2f66dfdb788');
  });

  it('hashes UTF-8 bytes and sorts names by bytes, not UTF-16 units', () => {
    // No public golden found for non-ASCII labels; these came from an independent Python
    // implementation (sorted(key=str.encode), FNV-1a 64 over the UTF-8 bytes with 0xff separators)
    // that reproduces both golden values above.
    expect(alertFingerprint({ alertname: 'KubePodCrashLooping', namespace: 'hundehütte', pod: 'web-7d9f-äöü', summary: '犬の保護' })).toBe('57e2ed299db9052d');
    // U+FF61 sorts before U+1F600 in UTF-8 (EF.. < F0..) but after it in UTF-16 (FF61 > D83D).
    expect(alertFingerprint({ '\uff61': 'a', '\u{1F600}': 'b' })).toBe('ed98e028fcd597b2');
  });

  it('does not depend on key insertion order and separates name from value', () => {
    expect(alertFingerprint({ a: '1', b: '2' })).toBe(alertFingerprint({ b: '2', a: '1' }));
    expect(alertFingerprint({ ab: 'c' })).not.toBe(alertFingerprint({ a: 'bc' }));
    expect(alertFingerprint({ a: '' })).toMatch(/^[0-9a-f]{16}$/);
  });

  it('agrees with a plain BigInt FNV-1a 64 on many label sets, multi-byte characters included', () => {
    const reference = (labels: Record<string, string>) => {
      const enc = new TextEncoder();
      const names = Object.keys(labels).sort((a, b) => Buffer.compare(enc.encode(a), enc.encode(b)));
      let h = 0xcbf29ce484222325n;
      for (const b of names.flatMap((n) => [...enc.encode(n), 0xff, ...enc.encode(labels[n]!), 0xff])) h = ((h ^ BigInt(b)) * 0x100000001b3n) & 0xffffffffffffffffn;
      return h.toString(16).padStart(16, '0');
    };
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    const word = () => Array.from({ length: next() % 12 }, () => 'aZ9-_.ÿé€🐕'[next() % 10]).join('');
    for (let i = 0; i < 300; i++) {
      const labels = Object.fromEntries(Array.from({ length: next() % 6 }, () => [word() || 'x', word()]));
      expect(alertFingerprint(labels)).toBe(reference(labels));
    }
  });
});
