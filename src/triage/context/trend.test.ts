import { describe, expect, it } from 'vitest';
import { exprFromGeneratorUrl, selector, splitThreshold } from './promql.js';
import { judgeTrend, seriesFor } from './trend.js';

describe('promql helpers', () => {
  it('reads the expression from a generatorURL, and nothing from a link without one', () => {
    expect(exprFromGeneratorUrl('http://prometheus-k8s-0:9090/graph?g0.expr=up%7Bjob%3D%22x%22%7D+%3D%3D+0&g0.tab=1')).toBe('up{job="x"} == 0');
    expect(exprFromGeneratorUrl('http://prometheus:9090/graph')).toBeUndefined();
    expect(exprFromGeneratorUrl('not a url')).toBeUndefined();
  });

  it('splits a top-level comparison with a number, and nothing else', () => {
    expect(splitThreshold('sum by (pod) (rate(x{a=">"}[5m])) > 0.05')).toEqual({ value: 'sum by (pod) (rate(x{a=">"}[5m]))', op: '>', threshold: 0.05 });
    expect(splitThreshold('node_filesystem_avail_bytes / node_filesystem_size_bytes * 100 < 15')).toMatchObject({ op: '<', threshold: 15 });
    expect(splitThreshold('max_over_time(x[5m]) >= 1')).toMatchObject({ op: '>=', threshold: 1 });
    expect(splitThreshold('absent(up{job="x"} == 1)')).toBeUndefined();
    expect(splitThreshold('x > y')).toBeUndefined();
    expect(splitThreshold('rate(x[5m] > 1')).toBeUndefined();
  });

  it('builds selectors with escaped values and leaves out empty ones', () => {
    expect(selector({ job: 'a"b', instance: undefined, pod: '' })).toBe('{job="a\\"b"}');
    expect(selector({})).toBeUndefined();
  });
});

describe('judgeTrend', () => {
  it('calls a steady fall back toward the threshold improving', () => {
    expect(judgeTrend([0.02, 0.21, 0.34, 0.31, 0.24, 0.17, 0.11], '>', 0.05)).toMatchObject({ state: 'improving' });
    // Already past the threshold counts too (the alert will resolve).
    expect(judgeTrend([0.3, 0.2, 0.1, 0.04], '>', 0.05)).toMatchObject({ state: 'improving' });
    // Bad is low for <: a free-space percentage rising again.
    expect(judgeTrend([12, 8, 5, 7, 9, 11], '<', 15)).toMatchObject({ state: 'improving' });
  });

  it('calls a stall, a turn for the worse or a tiny dip not improving, and too few samples unknown', () => {
    expect(judgeTrend([0.29, 0.26, 0.21, 0.16, 0.15, 0.15, 0.16], '>', 0.05)).toMatchObject({ state: 'not-improving' });
    expect(judgeTrend([0.1, 0.2, 0.3, 0.4], '>', 0.05)).toMatchObject({ state: 'not-improving' });
    expect(judgeTrend([0.40, 0.399, 0.398, 0.397], '>', 0.05)).toMatchObject({ state: 'not-improving' });
    expect(judgeTrend([0.3, 0.2], '>', 0.05)).toMatchObject({ state: 'unknown' });
  });

  it('picks the series whose labels agree with the alert', () => {
    const a = { labels: { pod: 'a' }, points: [] as Array<[number, number]> };
    const b = { labels: { pod: 'b' }, points: [] as Array<[number, number]> };
    expect(seriesFor([a, b], { alertname: 'X', pod: 'b' })).toBe(b);
  });
});
