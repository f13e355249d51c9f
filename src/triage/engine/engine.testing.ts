/**
 * Test helpers for the engine (time comes from platform/clock's ManualClock): a webhook body → Delivery mapping without the
 * ingest schema, the corpus manifest, and an independent copy of Alertmanager's fingerprint.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { AlertClass, AlertStatus, Delivery, IncomingAlert, Route } from '../types.js';
import { exprFromGeneratorUrl, splitThreshold } from '../context/promql.js';
import { judgeTrend } from '../context/trend.js';
import type { RecoveryCheck } from './routine.js';

/** The corpus folder (test/fixtures/alertmanager). */
export const corpusDir = fileURLToPath(new URL('../../../test/fixtures/alertmanager/', import.meta.url));

/** prometheus/common labelSetToFingerprint: FNV-1a 64 over byte-sorted names and values, each + 0xff. */
export function labelFingerprint(labels: Record<string, string>): string {
  const enc = new TextEncoder();
  const names = Object.keys(labels).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  let h = 0xcbf29ce484222325n;
  const add = (bytes: Iterable<number>) => {
    for (const b of bytes) h = ((h ^ BigInt(b)) * 0x100000001b3n) & 0xffffffffffffffffn;
  };
  for (const n of names) {
    add(enc.encode(n));
    add([0xff]);
    add(enc.encode(labels[n] ?? ''));
    add([0xff]);
  }
  return h.toString(16).padStart(16, '0');
}

interface RawBody {
  receiver: string;
  status: AlertStatus;
  groupKey: string;
  truncatedAlerts?: number;
  groupLabels: Record<string, string>;
  commonLabels: Record<string, string>;
  externalURL: string;
  alerts: IncomingAlert[];
}

/** The Delivery ingest would hand to the engine for these body bytes (trusting the body's shape). */
export function deliveryFromBody(id: string, bytes: Buffer | string, receivedAt: number): Delivery {
  const body = JSON.parse(bytes.toString()) as RawBody;
  return {
    id,
    receivedAt,
    bodySha256: createHash('sha256').update(bytes).digest('hex'),
    receiver: body.receiver,
    groupKey: body.groupKey,
    status: body.status,
    truncatedAlerts: body.truncatedAlerts ?? 0,
    groupLabels: body.groupLabels,
    commonLabels: body.commonLabels,
    externalURL: body.externalURL,
    alerts: body.alerts,
  };
}

/** One expected decision of the corpus manifest. */
export interface CorpusExpectation {
  alertname: string;
  fingerprint: string | null;
  status: AlertStatus;
  class: AlertClass;
  route: Route;
}

/** The corpus manifest (corpus.json). */
export interface CorpusManifest {
  baseTime: string;
  policy: string;
  summary: { deliveries: number; alerts: number; rawNotificationsOnePerAlert: number; rawNotificationsOnePerDelivery: number; triageNotifications: number };
  heartbeat: { windowMinutes: number; losses: Array<{ lastSeenSeconds: number; recoveredAtSeconds: number | null }> };
  deliveries: Array<{ file: string; atSeconds: number; note: string; expect: CorpusExpectation[] }>;
}

/** Reads corpus.json. */
export function loadCorpus(): CorpusManifest {
  return JSON.parse(readFileSync(new URL('corpus.json', `file://${corpusDir}`), 'utf8')) as CorpusManifest;
}

/** The bytes of one corpus file. */
export function corpusFile(name: string): Buffer {
  return readFileSync(new URL(name, `file://${corpusDir}`));
}

/** trends.json: what Prometheus answers for the corpus's recovering alerts, and the watch sweep's expected decisions. */
export interface CorpusTrends {
  stepSeconds: number;
  series: Record<string, Array<{ fromSeconds: number; values: number[] }>>;
  watch: Array<{ atSeconds: number; alertname: string; fingerprint: string; class: AlertClass; route: Route; action: string }>;
}

/** Reads trends.json. */
export function loadTrends(): CorpusTrends {
  return JSON.parse(readFileSync(new URL('trends.json', `file://${corpusDir}`), 'utf8')) as CorpusTrends;
}

/** The recovery check of the corpus replay: trends.json's values at the clock's time, judged by the real code against the rule's threshold. */
export function corpusRecovery(trends: CorpusTrends, base: number, clock: { now(): number }): RecoveryCheck {
  return async (alert) => {
    const series = trends.series[labelFingerprint(alert.labels)]?.filter((s) => base + s.fromSeconds * 1000 <= clock.now()).at(-1);
    const split = splitThreshold(exprFromGeneratorUrl(alert.generatorURL) ?? '');
    if (series === undefined || split === undefined) return { state: 'unknown', detail: 'no metrics in the corpus for this alert' };
    return judgeTrend(series.values, split.op, split.threshold);
  };
}
