import { Layout, type PageContext } from '../../platform/http/views/layout.js';
import { When } from '../../platform/http/views/time.js';
import { TableWrap } from '../../platform/http/views/tables.js';
import type { AuditView } from './audit.service.js';

function Who({ type, id, name }: { type: string | null; id: string | null; name?: string }) {
  if (!type) return <span>—</span>;
  if (name) return <span>{type}: {name} <code>{id}</code></span>;
  return <span>{type}{id ? <>: <code>{id}</code></> : null}</span>;
}

/** The admin's audit log page: the newest entries, newest first. */
export function AuditPage(props: { ctx: PageContext; entries: AuditView[]; limit: number }) {
  const { ctx, entries } = props;
  return (
    <Layout ctx={ctx} title="Audit log">
      <h1>Audit log</h1>
      <p>The newest {props.limit} entries of who changed what at {ctx.rescueName}, newest first. Entries cannot be edited or removed.</p>
      {entries.length === 0 ? <p>Nothing has been recorded yet.</p> : (
        <TableWrap labelledBy="audit-caption">
          <table>
            <caption id="audit-caption">Audit entries</caption>
            <thead>
              <tr><th scope="col">Time</th><th scope="col">Actor</th><th scope="col">Action</th><th scope="col">Target</th><th scope="col">Details</th></tr>
            </thead>
            <tbody>
              {entries.map((e) => (
                <tr key={e.id}>
                  <th scope="row"><When at={e.at} /></th>
                  <td><Who type={e.actorType} id={e.actorId} name={e.actorName} /></td>
                  <td><code>{e.action}</code></td>
                  <td><Who type={e.targetType} id={e.targetId} name={e.targetName} /></td>
                  <td>{Object.keys(e.detail).length > 0 ? <code>{JSON.stringify(e.detail)}</code> : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
    </Layout>
  );
}
