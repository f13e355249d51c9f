import { Csrf, Layout, type PageContext } from '../../platform/http/views/layout.js';
import { exportDatasets } from './export.datasets.js';

/** The admin's export page: the whole rescue as one zip, and each table as its own CSV file. */
export function ExportPage({ ctx }: { ctx: PageContext }) {
  const base = `${ctx.basePath}/hub/export`;
  return (
    <Layout ctx={ctx} title="Export">
      <h1>Export the rescue's data</h1>
      <p class="notice warn">
        <strong>The export holds personal data in clear</strong>: names, emails, phone numbers and addresses of applicants, adopters,
        fosters and staff, applicants' answers, signed contracts, medical records and original photos with their camera metadata
        (GPS included). Store it somewhere safe and delete it when you no longer need it. Every export is recorded in the audit log.
      </p>
      <h2>Everything, as one zip</h2>
      <form method="post" action={`${base}/zip`}>
        <Csrf token={ctx.csrfToken} />
        <p class="hint">
          To keep a copy or to move to another system: the settings, every table as CSV (and JSON where records nest), the photos,
          medical documents and signed contracts as files, a README.txt that explains the layout and a manifest.json with each
          file's size and SHA-256. No passwords or sign-in links are ever included.
        </p>
        <button type="submit">Download everything (zip)</button>
      </form>
      <h2>One table as CSV</h2>
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
    </Layout>
  );
}
