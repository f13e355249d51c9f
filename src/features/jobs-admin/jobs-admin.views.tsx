import type { FailedJob, JobStatus } from '../../platform/jobs/index.js';
import { When } from '../../platform/http/views/time.js';
import { Csrf, Layout, type PageContext } from '../../platform/http/views/layout.js';
import { Notice } from '../../platform/http/views/forms.js';
import { TableWrap } from '../../platform/http/views/tables.js';

const statuses: { status: JobStatus; label: string }[] = [
  { status: 'queued', label: 'Queued' },
  { status: 'running', label: 'Running' },
  { status: 'succeeded', label: 'Succeeded' },
  { status: 'failed', label: 'Failed' },
];

function when(date: Date | null) {
  return date ? <When at={date} /> : '—';
}

function FailedTable({ ctx, failed }: { ctx: PageContext; failed: FailedJob[] }) {
  if (failed.length === 0) return <p>No job has failed. Nothing needs attention.</p>;
  return (
    <TableWrap labelledBy="failed-jobs-caption">
      <table>
        <caption id="failed-jobs-caption">Jobs that failed after their last attempt</caption>
        <thead>
          <tr><th scope="col">Job</th><th scope="col">Attempts</th><th scope="col">Last error</th><th scope="col">Finished at</th><th scope="col">Action</th></tr>
        </thead>
        <tbody>
          {failed.map((j) => (
            <tr key={j.id}>
              <th scope="row"><code>{j.name}</code> <span class="hint">#{j.id}</span></th>
              <td>{j.attempts} of {j.max_attempts}</td>
              <td>{j.last_error ?? '—'}</td>
              <td>{when(j.finished_at)}</td>
              <td>
                <form method="post" action={`${ctx.basePath}/hub/jobs/${j.id}/retry`} class="inline">
                  <Csrf token={ctx.csrfToken} />
                  <button type="submit" class="secondary" aria-label={`Retry job ${j.name} #${j.id}`}>Retry</button>
                </form>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}

/** The admin's jobs page: how many background jobs are in each state, and the failed ones to retry. */
export function JobsPage(props: { ctx: PageContext; counts: Record<JobStatus, number>; failed: FailedJob[]; notice?: string }) {
  const { ctx } = props;
  return (
    <Layout ctx={ctx} title="Jobs">
      <h1>Background jobs</h1>
      {props.notice && <Notice>{props.notice}</Notice>}
      <table>
        <caption>Jobs by status</caption>
        <thead><tr><th scope="col">Status</th><th scope="col">Jobs</th></tr></thead>
        <tbody>
          {statuses.map((s) => <tr key={s.status}><th scope="row">{s.label}</th><td>{props.counts[s.status]}</td></tr>)}
        </tbody>
      </table>
      <h2>Failed jobs</h2>
      <FailedTable ctx={ctx} failed={props.failed} />
    </Layout>
  );
}
