/**
 * The escalations table for the triage page (views.tsx, lead-owned, renders it): live escalations
 * with their tier, messages sent, next reminder, failing channels and who acknowledged. Preact
 * escapes every text; no token or link is shown (ack tokens exist only in the messages).
 */
import type { EscalationSummary } from './repo.js';

function time(ms: number | null): string {
  return ms === null ? '—' : new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

/** Table of escalations (pass `escalator.list()`); says so when there are none or escalation is off. */
export function EscalationsTable({ escalations, enabled }: { escalations: EscalationSummary[]; enabled: boolean }) {
  if (!enabled) return <p>Escalation is not configured: notify decisions are recorded here and nobody is messaged.</p>;
  if (escalations.length === 0) return <p>No open escalations.</p>;
  return (
    <table>
      <thead><tr><th>Opened</th><th>Alert</th><th>Tier</th><th>Status</th><th>Messages</th><th>Next reminder</th><th>Failing channels</th><th>Acknowledged</th></tr></thead>
      <tbody>
        {escalations.map((e) => (
          <tr key={e.id}>
            <td>{time(e.createdAt)}</td>
            <td>{e.alertname}{e.severity ? ` (${e.severity})` : ''}<br /><code>{e.fingerprint}</code>{e.summary !== null ? <><br />{e.summary}</> : null}{e.dropped.length > 0 ? <><br />Not sent (allow-list): {e.dropped.join(', ')}</> : null}</td>
            <td>{e.tier}</td>
            <td>{e.status}</td>
            <td>{e.sends} (last {time(e.lastSentAt)})</td>
            <td>{e.status === 'open' ? time(e.nextAt) : '—'}</td>
            <td>{e.pendingChannels.length > 0 ? e.pendingChannels.join(', ') : '—'}</td>
            <td>{e.acknowledgedAt !== null ? `${e.acknowledgedBy ?? ''} at ${time(e.acknowledgedAt)}` : '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
