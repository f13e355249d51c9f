/**
 * The triage service's read-only page: the mode, recent decisions, firing alerts and invalid
 * deliveries. Self-contained (no hub layout, which needs a tenant) and rendered by Preact, which
 * escapes every text and attribute; nothing from an alert becomes a link or markup.
 */
import type { ComponentChildren } from 'preact';
import { renderToString } from 'preact-render-to-string';
import type { DeliverySummary } from './store/store.js';
import type { Decision, StoredAlert, TriageMode } from './types.js';

/** What the page shows. */
export interface TriagePageData {
  mode: TriageMode;
  /** Whether an engine decides (without one, deliveries are only stored). */
  deciding: boolean;
  now: number;
  decisions: Decision[];
  firing: StoredAlert[];
  invalid: DeliverySummary[];
  /** Sections of the modules wired in (actions, escalations, diagnoses). */
  sections?: ComponentChildren;
}

// Inline, so the page needs nothing else; the CSP allows inline styles and nothing more.
const css = `body{font:14px/1.4 system-ui,sans-serif;margin:1.5rem;color:#1b1b1b}
table{border-collapse:collapse;width:100%;margin-bottom:2rem}th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #ddd;vertical-align:top}
.mode{display:inline-block;padding:.2rem .6rem;border-radius:.3rem;font-weight:600}.observe{background:#e6f0ff}.act{background:#ffe6e6}
.route-notify{color:#a30000;font-weight:600}.route-drop-duplicate,.route-record{color:#555}code{font-size:12px}ul{margin:0;padding-left:1rem}`;

function time(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

function labelList(labels: Record<string, string>) {
  return Object.entries(labels)
    .filter(([k]) => k !== 'alertname')
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
}

function Decisions({ decisions }: { decisions: Decision[] }) {
  if (decisions.length === 0) return <p>No decisions yet.</p>;
  return (
    <table>
      <thead><tr><th>At</th><th>Alert</th><th>Severity</th><th>Status</th><th>Class</th><th>Route</th><th>Reasons</th><th>Action</th></tr></thead>
      <tbody>
        {decisions.map((d) => (
          <tr key={d.id}>
            <td>{time(d.at)}</td>
            <td>{d.alertname}<br /><code>{d.fingerprint}</code></td>
            <td>{d.severity || '—'}</td>
            <td>{d.status}</td>
            <td>{d.class}{d.rule ? <><br /><code>{d.rule}</code></> : null}</td>
            <td class={`route-${d.route}`}>{d.route}</td>
            <td><ul>{d.reasons.map((r, i) => <li key={i}>{r}</li>)}</ul></td>
            <td>{d.action ? `${d.action.name} (${d.action.execute ? 'executed' : 'not executed'})` : '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Firing({ alerts }: { alerts: StoredAlert[] }) {
  if (alerts.length === 0) return <p>Nothing is firing.</p>;
  return (
    <table>
      <thead><tr><th>Alert</th><th>Severity</th><th>Labels</th><th>Summary</th><th>Since</th><th>Last seen</th><th>Last route</th></tr></thead>
      <tbody>
        {alerts.map((a) => (
          <tr key={a.fingerprint}>
            <td>{a.alertname}<br /><code>{a.fingerprint}</code></td>
            <td>{a.labels.severity ?? '—'}</td>
            <td><code>{labelList(a.labels)}</code></td>
            <td>{a.annotations.summary ?? a.annotations.description ?? ''}</td>
            <td>{a.startsAt}</td>
            <td>{time(a.lastSeen)}</td>
            <td>{a.lastRoute || '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Invalid({ deliveries }: { deliveries: DeliverySummary[] }) {
  if (deliveries.length === 0) return <p>No invalid deliveries.</p>;
  return (
    <table>
      <thead><tr><th>Delivery</th><th>Received</th><th>Size</th><th>Problems</th><th>Body</th></tr></thead>
      <tbody>
        {deliveries.map((d) => (
          <tr key={d.id}>
            <td>#{d.id}</td>
            <td>{time(d.receivedAt)}</td>
            <td>{d.bodyBytes} bytes</td>
            <td><ul>{d.problems.map((p, i) => <li key={i}>{p}</li>)}</ul></td>
            <td><a href={`/api/deliveries/${encodeURIComponent(d.id)}/body`}>raw body</a></td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function TriagePage({ data }: { data: TriagePageData }) {
  const modeText = data.mode === 'observe' ? 'observe-only: records what it would do, acts on nothing' : 'acting: may run catalogue actions';
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>Kona alert triage</title>
        <style>{css}</style>
      </head>
      <body>
        <h1>Kona alert triage</h1>
        <p>
          Mode: <span class={`mode ${data.mode}`}>{modeText}</span>
          {data.deciding ? null : <strong> — no engine attached: deliveries are stored, nothing is decided</strong>}
        </p>
        <p>As of {time(data.now)}. JSON: <a href="/api/decisions">decisions</a>, <a href="/api/alerts">alerts</a>, <a href="/api/deliveries">deliveries</a>.</p>
        <h2>Recent decisions</h2>
        <Decisions decisions={data.decisions} />
        {data.sections}
        <h2>Firing alerts</h2>
        <Firing alerts={data.firing} />
        <h2>Invalid deliveries</h2>
        <Invalid deliveries={data.invalid} />
      </body>
    </html>
  );
}

/** The page as an HTML document. */
export function renderTriagePage(data: TriagePageData): string {
  return `<!doctype html>${renderToString(<TriagePage data={data} />)}`;
}
