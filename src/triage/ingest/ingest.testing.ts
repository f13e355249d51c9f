/** Builders of webhook bodies for tests (fingerprints computed as Alertmanager does). */
import { alertFingerprint } from './fingerprint.js';

/** One alert of a test body; labels must include alertname. */
export function testAlert(labels: Record<string, string>, opts: { status?: 'firing' | 'resolved'; annotations?: Record<string, string>; fingerprint?: string } = {}) {
  const status = opts.status ?? 'firing';
  return {
    status,
    labels,
    annotations: opts.annotations ?? { summary: `${labels.alertname ?? 'alert'} is ${status}` },
    startsAt: '2026-11-25T10:00:00.123456789Z',
    endsAt: status === 'firing' ? '0001-01-01T00:00:00Z' : '2026-11-25T10:05:00Z',
    generatorURL: 'http://prometheus.local:9090/graph?g0.expr=up+%3D%3D+0&g0.tab=1',
    fingerprint: opts.fingerprint ?? alertFingerprint(labels),
  };
}

/** A complete version-4 body around the given alerts (as a plain object). */
export function testPayload(alerts: ReturnType<typeof testAlert>[], extra: Record<string, unknown> = {}) {
  const first = alerts[0]?.labels ?? {};
  return {
    receiver: 'kona-triage',
    status: alerts.some((a) => a.status === 'firing') ? 'firing' : 'resolved',
    alerts,
    groupLabels: { alertname: first.alertname ?? '' },
    commonLabels: { ...first },
    commonAnnotations: {},
    externalURL: 'http://alertmanager.local:9093',
    version: '4',
    groupKey: `{}:{alertname="${first.alertname ?? ''}"}`,
    truncatedAlerts: 0,
    ...extra,
  };
}

/** The body's bytes as Alertmanager would send them. */
export function testBody(payload: unknown): Buffer {
  return Buffer.from(JSON.stringify(payload));
}
