import { Csrf, Layout, type PageContext } from '../../platform/http/views/layout.js';
import { exportDatasets } from './export.datasets.js';

/** The admin's export page: one download per dataset as CSV, and everything as one JSON file. */
export function ExportPage({ ctx }: { ctx: PageContext }) {
  const base = `${ctx.basePath}/hub/export`;
  return (
    <Layout ctx={ctx} title="Export">
      <h1>Export the rescue's data</h1>
      <p>
        Download your rescue's records to keep a copy or to move them elsewhere. The files hold personal data in clear (names, emails,
        phone numbers, addresses, applicants' answers): store them somewhere safe and delete them when you no longer need them.
        Every export is recorded in the audit log.
      </p>
      <h2>CSV files, one per dataset</h2>
      <p class="hint">For spreadsheets. Cells that a spreadsheet would run as a formula start with an apostrophe.</p>
      <ul class="cards">
        {exportDatasets.map((d) => (
          <li key={d.name}>
            <h3>{d.title}</h3>
            <p>{d.description}{d.personal ? ' Contains personal data.' : ''}</p>
            <form method="post" action={`${base}/csv/${d.name}`}>
              <Csrf token={ctx.csrfToken} />
              <button type="submit" class="secondary">Download {d.name}.csv</button>
            </form>
          </li>
        ))}
      </ul>
      <h2>Everything as one JSON file</h2>
      <form method="post" action={`${base}/json`}>
        <Csrf token={ctx.csrfToken} />
        <p class="hint">Every dataset above in one file, for moving to another system.</p>
        <button type="submit">Download everything (JSON)</button>
      </form>
    </Layout>
  );
}
