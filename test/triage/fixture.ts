/**
 * Pieces of the triage end-to-end test: the exporter fixture process (exporter.mjs), the policy
 * file, the Prometheus rule, and reads of triage's JSON API and metrics.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { eventually } from '../harness/prometheus.js';

/** The exporter script, spawned with `node`. */
export const exporterScript = path.join(import.meta.dirname, 'exporter.mjs');

/** The restart command's script (`node restart-exporter.mjs <dir> <port>`), for the local executor. */
export const restartScript = path.join(import.meta.dirname, 'restart-exporter.mjs');

/** The alert the Prometheus rule raises while the fixture reports itself unhealthy. */
export const fixtureRule = {
  alert: 'FixtureUnhealthy',
  expr: 'kona_fixture_healthy == 0',
  for: '2s',
  // namespace/deployment: the labels the catalogue's restart-deployment names its target by.
  labels: { severity: 'warning', namespace: 'kona-e2e', deployment: 'fixture' },
  annotations: { summary: 'The e2e fixture reports itself unhealthy.' },
};

/** The environment that makes exporter.mjs serve on `port` and keep its markers in `dir`. */
export function exporterEnv(dir: string, port: number): Record<string, string> {
  return { FIXTURE_DIR: dir, FIXTURE_PORT: String(port), FIXTURE_UNHEALTHY_STARTS: '1' };
}

/** Starts the exporter once (the first start reports unhealthy) and waits until it serves. */
export async function startExporter(dir: string, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, [exporterScript], { env: { ...process.env, ...exporterEnv(dir, port) }, stdio: 'ignore' });
  await eventually('the exporter to serve /metrics', async () => ((await fetch(`http://127.0.0.1:${port}/metrics`)).ok ? true : undefined), 10_000, 50);
  return child;
}

/** The pids of the exporter's starts, oldest first. */
export function exporterStarts(dir: string): number[] {
  const file = path.join(dir, 'starts');
  return existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map(Number) : [];
}

/** Writes a triage policy with one routine rule for FixtureUnhealthy and its enabled restart action. */
export function writePolicy(file: string, mode: 'observe' | 'act', extra: Record<string, unknown> = {}): void {
  writeFileSync(file, stringify({
    mode,
    severityThreshold: 'critical',
    rules: [{
      name: 'fixture-unhealthy', match: { alertname: 'FixtureUnhealthy', severity: 'warning' }, class: 'routine',
      action: { name: 'restart-deployment', enabled: true },
    }],
    ...extra,
  }));
}

/** A decision as triage's JSON API returns it. */
export interface ApiDecision {
  alertname: string;
  fingerprint: string;
  status: string;
  class: string;
  route: string;
  reasons: string[];
  action: { name: string; target: Record<string, string>; execute: boolean } | null;
  mode: string;
}

/** GETs one of triage's authenticated JSON routes. */
export async function triageGet<T>(url: string, token: string): Promise<T> {
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  if (res.status !== 200) throw new Error(`GET ${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** One sample of an unlabelled counter or gauge in Prometheus text. */
export function sample(text: string, name: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(name.length + 1));
}
