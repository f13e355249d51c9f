/**
 * The report's tables: the figures against their targets, the events, the checker's findings (with
 * every id), the alerts and triage's actions. Plain Preact components; every value is escaped.
 */
import type { CheckResult, DrillRun } from '../run.js';
import { judgeTargets } from './targets.js';

function num(v: number | null | undefined, digits = 2): string {
  return v === null || v === undefined ? '—' : Number.isInteger(v) ? String(v) : v.toFixed(digits);
}

/** The figures, then each target of the drill with pass or fail. */
export function FiguresTable({ run }: { run: DrillRun }) {
  const f = run.figures;
  const rows: [string, string][] = [
    ['Write unavailability (s)', num(f.writeUnavailableSeconds)], ['Acknowledged writes lost', num(f.acknowledgedLost)],
    ['Indeterminate writes', num(f.indeterminate)], ['Time to detect (s)', num(f.detectSeconds)], ['Time to recover (s)', num(f.recoverSeconds)],
    ['p99 latency during the drill (ms)', num(f.p99MsDuringDrill, 0)], ['Write gap (s)', num(f.writeGapSeconds)],
  ];
  if (f.oldPrimaryWritesAfterPromotion !== undefined) rows.push(['Writes accepted by the old primary after promotion', num(f.oldPrimaryWritesAfterPromotion)]);
  return (
    <>
      <table id="figures">
        <caption>Figures of this run</caption>
        <tbody>{rows.map(([k, v]) => <tr key={k}><th scope="row">{k}</th><td class="num">{v}</td></tr>)}</tbody>
      </table>
      <table id="targets">
        <caption>Targets</caption>
        <thead><tr><th scope="col">Target</th><th scope="col">Wanted</th><th scope="col">Measured</th><th scope="col">Met</th></tr></thead>
        <tbody>
          {judgeTargets(run.drill, f).map((t) => (
            <tr key={t.name}><td>{t.name}</td><td>{t.target}</td><td class="num">{num(t.value)}</td><td><span class={`verdict ${t.pass ? 'pass' : 'fail'}`}>{t.pass ? 'yes' : 'no'}</span></td></tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

/** Every event of the run in time order. */
export function EventsTable({ run }: { run: DrillRun }) {
  if (run.events.length === 0) return <p>No events were recorded.</p>;
  return (
    <table id="events">
      <thead><tr><th scope="col">Second</th><th scope="col">Kind</th><th scope="col">What</th></tr></thead>
      <tbody>{[...run.events].sort((a, b) => a.t - b.t).map((e, i) => <tr key={i}><td class="num">{num(e.t)}</td><td>{e.kind}</td><td>{e.detail}</td></tr>)}</tbody>
    </table>
  );
}

const findings: [keyof CheckResult, string][] = [
  ['lost', 'Lost (acknowledged, missing at the end)'], ['unexpected', 'Unexpected (present, never attempted)'], ['duplicates', 'Duplicates'],
  ['crossTenant', 'In another tenant’s database'], ['oldPrimaryOnly', 'Only on an old primary and not indeterminate'],
];

/** The checker's counts and each finding with its ids. */
export function Checker({ check }: { check: CheckResult }) {
  return (
    <div id="checker">
      <p>Verdict: <span class={`verdict ${check.verdict}`}>{check.verdict.toUpperCase()}</span>. {check.attempted} writes attempted: {check.ok} ok, {check.fail} failed, {check.indeterminate} indeterminate.</p>
      <table>
        <thead><tr><th scope="col">Finding</th><th scope="col">Count</th><th scope="col">Ids</th></tr></thead>
        <tbody>
          {findings.map(([key, label]) => {
            const ids = check[key] as string[];
            return <tr key={key} data-finding={key}><th scope="row">{label}</th><td class="num">{ids.length}</td><td>{ids.length === 0 ? 'none' : <code>{ids.join(', ')}</code>}</td></tr>;
          })}
        </tbody>
      </table>
      <p>Read from: {check.sources.length === 0 ? 'no database' : check.sources.join('; ')}.</p>
    </div>
  );
}

/** The alerts that fired, with when they fired and resolved. */
export function Alerts({ run }: { run: DrillRun }) {
  if (run.alerts.length === 0) return <p>No alert fired.</p>;
  return (
    <table id="alerts">
      <thead><tr><th scope="col">Alert</th><th scope="col">Fired (s)</th><th scope="col">Resolved (s)</th></tr></thead>
      <tbody>{run.alerts.map((a, i) => <tr key={i}><td>{a.name}</td><td class="num">{num(a.firedT)}</td><td class="num">{a.resolvedT === undefined ? 'still firing' : num(a.resolvedT)}</td></tr>)}</tbody>
    </table>
  );
}

/** Triage's actions and their outcomes. */
export function Triage({ run }: { run: DrillRun }) {
  if (run.triage.length === 0) return <p>Triage took no action.</p>;
  return (
    <table id="triage">
      <thead><tr><th scope="col">Second</th><th scope="col">Action</th><th scope="col">Outcome</th></tr></thead>
      <tbody>{run.triage.map((a, i) => <tr key={i}><td class="num">{num(a.t)}</td><td>{a.action}</td><td>{a.outcome}</td></tr>)}</tbody>
    </table>
  );
}
