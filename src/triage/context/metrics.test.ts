import { describe, expect, it } from 'vitest';
import { contextQueries, describeSeries } from './metrics.js';

describe('contextQueries', () => {
  it("asks for a pod's container series (kube-state-metrics, cAdvisor) from its allow-listed labels, values escaped", () => {
    const q = contextQueries({
      labels: { alertname: 'KubePodCrashLooping', namespace: 'kona', pod: 'web-"x"', job: 'kube-state-metrics', owner_email: 'a@example.org' },
      generatorURL: 'http://prometheus:9090/graph?g0.expr=max_over_time(x%5B5m%5D)+%3E%3D+1',
    });
    expect(q).toEqual([
      { name: 'alert expression', query: 'max_over_time(x[5m]) >= 1' },
      { name: 'up', query: 'up{job="kube-state-metrics"}' },
      { name: 'restarts', query: 'kube_pod_container_status_restarts_total{namespace="kona",pod="web-\\"x\\""}' },
      { name: 'cpu', query: 'sum by (namespace, pod, container) (rate(container_cpu_usage_seconds_total{namespace="kona",pod="web-\\"x\\"",container!=""}[5m]))' },
      { name: 'memory', query: 'sum by (namespace, pod, container) (container_memory_working_set_bytes{namespace="kona",pod="web-\\"x\\"",container!=""})' },
    ]);
    expect(JSON.stringify(q)).not.toContain('example.org');
  });

  it('asks for nothing it cannot name', () => {
    expect(contextQueries({ labels: { alertname: 'X' }, generatorURL: '' })).toEqual([]);
  });
});

describe('describeSeries', () => {
  it('writes last, min, max and at most 8 evenly spread samples, ending with the newest', () => {
    const end = 1_764_000_000_000;
    const points = Array.from({ length: 30 }, (_, i) => [end / 1000 - (29 - i) * 60, i === 29 ? 0.5 : i] as [number, number]);
    const { text, dropped } = describeSeries([{ labels: { __name__: 'm', job: 'j', token: 's3cr3t' }, points }], 3, end);
    expect(text).toBe('m{job="j"}: last 0.5, min 0, max 28; -29m 0, -25m 4, -21m 8, -17m 12, -12m 17, -8m 21, -4m 25, -0s 0.5\n… and 2 more series');
    expect(dropped).toEqual(['metric label token']);
  });
});
