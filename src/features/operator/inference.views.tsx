import type { DispatcherStatus } from '../../inference/dispatcher/dispatcher.js';
import { Layout, type PageContext } from '../../platform/http/views/layout.js';
import { Notice } from '../../platform/http/views/forms.js';
import { TableWrap } from '../../platform/http/views/tables.js';

/** What the page knows: no dispatcher configured, one that did not answer, or its status. */
export type InferenceView =
  | { kind: 'off' }
  | { kind: 'unreachable'; reason: string }
  | { kind: 'status'; status: DispatcherStatus };

const stateWords: Record<string, string> = {
  closed: 'healthy',
  open: 'failing: no requests sent',
  'half-open': 'recovering: one trial request',
};

/** The backend's own load as it reports it: counts (and its own slot count), or for Ollama the models it holds. */
export function loadWords(b: DispatcherStatus['backends'][number]): string {
  if (b.signals) {
    const slots = b.signals.slots === undefined ? '' : ` (${b.signals.slots} server slots)`;
    return `${b.signals.running} running, ${b.signals.waiting} waiting${slots}`;
  }
  if (b.residentModels) return b.residentModels.length > 0 ? `holds ${b.residentModels.join(', ')} in memory` : 'no model in memory';
  return 'no signals';
}

/** The operator's view of the inference dispatcher: each backend's health and load, each queue. */
export function InferencePage(props: { ctx: PageContext; view: InferenceView }) {
  const { ctx, view } = props;
  return (
    <Layout ctx={ctx} title="Inference dispatcher">
      <p><a href="/operator">← Rescues</a></p>
      <h1>Inference dispatcher</h1>
      {view.kind === 'off' && (
        <p>
          No dispatcher is configured, so Kona makes no model calls. Set <code>KONA_DISPATCHER_CONFIG</code> to a
          configuration file to run one inside Kona, or <code>KONA_DISPATCHER_URL</code> to use a separate
          {' '}<code>kona dispatcher</code>.
        </p>
      )}
      {view.kind === 'unreachable' && <Notice>The dispatcher did not answer: {view.reason}</Notice>}
      {view.kind === 'status' && <StatusTables status={view.status} />}
    </Layout>
  );
}

function StatusTables({ status }: { status: DispatcherStatus }) {
  const failing = status.backends.filter((b) => b.state !== 'closed');
  return (
    <>
      {failing.length > 0 && <Notice>{failing.length === 1 ? '1 backend is' : `${failing.length} backends are`} not healthy: {failing.map((b) => b.name).join(', ')}.</Notice>}
      <TableWrap labelledBy="backends-caption">
        <table>
          <caption id="backends-caption">Model backends ({status.backends.length}), {status.inFlight} requests in flight</caption>
          <thead>
            <tr>
              <th scope="col">Backend</th>
              <th scope="col">Tier</th>
              <th scope="col">State</th>
              <th scope="col">In flight / slots</th>
              <th scope="col">Its own queue</th>
              <th scope="col">Models</th>
              <th scope="col">Last problem</th>
            </tr>
          </thead>
          <tbody>
            {status.backends.map((b) => (
              <tr key={b.name}>
                <th scope="row">{b.name} <small>({b.kind})</small></th>
                <td>{b.tier}</td>
                <td>{stateWords[b.state] ?? b.state}</td>
                <td>{b.inFlight} / {b.slots}</td>
                <td>{loadWords(b)}</td>
                <td>{b.models.join(', ')}</td>
                <td>{b.lastError ?? b.pollError ?? 'none'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
      <TableWrap labelledBy="queues-caption">
        <table>
          <caption id="queues-caption">Queues by priority</caption>
          <thead>
            <tr><th scope="col">Class</th><th scope="col">Waiting</th><th scope="col">Bound</th><th scope="col">Deadline</th></tr>
          </thead>
          <tbody>
            {Object.entries(status.queues).map(([name, q]) => (
              <tr key={name}><th scope="row">{name}</th><td>{q.depth}</td><td>{q.maxQueued}</td><td>{Math.round(q.deadlineMs / 1000)} s</td></tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
    </>
  );
}
