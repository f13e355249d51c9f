/**
 * The page's diagnosis section: for each request to the diagnosis endpoint, exactly what was sent
 * (the fixed system prompt once, then each scrubbed text as stored) and the answer. Preact escapes
 * every text; the answer is model output and is shown as plain preformatted text, never markup.
 */
import { diagnosisSystemPrompt } from './context.js';
import type { DiagnosisRecord } from './diagnoser.js';

function time(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

function removedText(removed: Record<string, number>): string {
  const parts = Object.entries(removed).map(([kind, n]) => `${n} ${kind}`);
  return parts.length === 0 ? 'nothing' : parts.join(', ');
}

/** The "Diagnosis tier" section: off notice, or the requests with what was sent and the answers. */
export function DiagnosesSection({ enabled, records }: { enabled: boolean; records: DiagnosisRecord[] }) {
  return (
    <section id="diagnoses">
      <h2>Diagnosis tier</h2>
      {enabled
        ? <p>On: alerts of the configured class are sent, scrubbed, to an external model endpoint. Below is exactly what was sent.</p>
        : <p>Off: nothing is sent anywhere.</p>}
      <details>
        <summary>System prompt sent with every request</summary>
        <pre>{diagnosisSystemPrompt}</pre>
      </details>
      {records.length === 0 ? <p>No diagnosis requests.</p> : (
        <table>
          <thead><tr><th>At</th><th>Alert</th><th>Endpoint</th><th>Status</th><th>Scrubbed out</th><th>Dropped (allow-list)</th><th>What was sent</th><th>Answer</th></tr></thead>
          <tbody>
            {records.map((r) => (
              <tr key={r.id} id={`diagnosis-${r.id}`}>
                <td>{time(r.createdAt)}{r.finishedAt !== null ? <><br />done {time(r.finishedAt)}</> : null}</td>
                <td>{r.alertname}<br /><code>{r.fingerprint}</code><br />decision <code>{r.decisionId}</code></td>
                <td>{r.endpointHost}<br /><code>{r.model}</code></td>
                <td>{r.status}</td>
                <td>{removedText(r.removed)}</td>
                <td>{r.dropped.length === 0 ? 'nothing' : r.dropped.join(', ')}</td>
                <td><details><summary>{r.sentText.length} characters</summary><pre>{r.sentText}</pre></details></td>
                <td>{r.status === 'failed' ? <span>failed: {r.error}</span> : r.responseText !== null ? <pre>{r.responseText}</pre> : 'waiting'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
