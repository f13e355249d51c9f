/**
 * The actions table for the triage page (views.tsx, lead-owned, renders it): what triage did or would
 * have done, why, and how the verification went. Preact escapes every text.
 */
import type { ActionRecord } from './records.js';

function time(ms: number | null): string {
  return ms === null ? '—' : new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

/** Table of action rows (pass `runner.log.list()`); says so when actions are not configured or none exist. */
export function ActionsTable({ actions, configured, mode }: { actions: ActionRecord[]; configured: boolean; mode: 'observe' | 'act' }) {
  const intro = !configured
    ? 'No actions section in the policy: nothing is ever executed; act decisions are recorded.'
    : mode === 'observe'
      ? 'Observe mode: actions are planned and recorded, never executed.'
      : 'Act mode: catalogue actions run within their limits and are verified.';
  return (
    <>
      <p>{intro}</p>
      {actions.length === 0 ? <p>No actions yet.</p> : (
        <table>
          <thead><tr><th>#</th><th>When</th><th>Action</th><th>Status</th><th>Why</th><th>Verification</th><th>Acknowledged</th></tr></thead>
          <tbody>
            {actions.map((a) => (
              <tr key={a.id}>
                <td>{a.id}</td>
                <td>{time(a.createdAt)}</td>
                <td>{a.name} on {a.targetKey || '—'}<br />{a.alertname} <code>{a.fingerprint}</code></td>
                <td>{a.status}</td>
                <td>{a.reason}</td>
                <td>{a.verifyAt !== null ? `due ${time(a.verifyAt)}` : '—'}{a.verify.query !== undefined ? <><br /><code>{a.verify.query}</code></> : null}{a.result !== null ? <><br />{a.result}</> : null}</td>
                <td>{a.acknowledgedAt !== null ? time(a.acknowledgedAt) : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
