import { Layout, type PageContext } from '../../platform/http/views/layout.js';
import { When } from '../../platform/http/views/time.js';
import { Select } from '../../platform/http/views/forms.js';
import { Pager, TableWrap } from '../../platform/http/views/tables.js';
import type { InboxQuery } from './decisions.schema.js';
import { allStatuses, applicationStatusLabel } from './decisions.transitions.js';
import type { InboxRow } from './inbox.service.js';

/** The inbox page's data. */
export interface InboxProps {
  ctx: PageContext;
  query: InboxQuery;
  applications: InboxRow[];
  total: number;
  page: number;
  pages: number;
  dogs: { id: string; name: string }[];
  /** Links to the email templates (admins). */
  canConfigure?: boolean;
}


const statusOptions = [
  { value: '', label: 'Open (new, in review, interview, approved)' },
  { value: 'all', label: 'All applications' },
  ...allStatuses.map((s) => ({ value: s, label: applicationStatusLabel(s) })),
];

function Filters({ ctx, query, dogs }: { ctx: PageContext; query: InboxQuery; dogs: { id: string; name: string }[] }) {
  const form = { values: { status: query.status === 'open' ? '' : query.status, dog: query.dog }, errors: {} };
  return (
    <form method="get" action={`${ctx.basePath}/hub/applications`} class="stack" role="search" aria-label="Filter applications">
      <Select form={form} name="status" label="Status" options={statusOptions} />
      <Select form={form} name="dog" label="Dog" options={[{ value: '', label: 'Any dog' }, ...dogs.map((d) => ({ value: d.id, label: d.name }))]} />
      <div><button type="submit">Filter</button> <a href={`${ctx.basePath}/hub/applications`}>Clear</a></div>
    </form>
  );
}

function InboxTable({ ctx, applications }: { ctx: PageContext; applications: InboxRow[] }) {
  return (
    <TableWrap labelledBy="applications-caption">
      <table>
        <caption id="applications-caption">Applications, newest first</caption>
        <thead>
          <tr><th scope="col">Applicant</th><th scope="col">Dog</th><th scope="col">Status</th><th scope="col">Submitted</th></tr>
        </thead>
        <tbody>
          {applications.map((a) => (
            <tr key={a.id}>
              <th scope="row">
                <a href={`${ctx.basePath}/hub/applications/${a.id}`}>{a.applicantName}</a>
                {a.possibleDuplicate && <> <span class="badge">Possible duplicate</span></>}
              </th>
              <td><a href={`${ctx.basePath}/hub/dogs/${a.dogId}`}>{a.dogName}</a></td>
              <td>{applicationStatusLabel(a.status)}{a.status === 'interview_scheduled' && a.interviewAt ? <>: <When at={a.interviewAt} /></> : ''}</td>
              <td><When at={a.submittedAt} /></td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}

/** The hub's adoption applications inbox: filters, one page of applications, paging (no script needed). */
export function InboxPage(props: InboxProps) {
  const { ctx } = props;
  return (
    <Layout ctx={ctx} title="Applications">
      <h1>Applications</h1>
      {props.canConfigure && <p><a href={`${ctx.basePath}/hub/adoptions/templates`}>Email templates for applicants</a></p>}
      <Filters ctx={ctx} query={props.query} dogs={props.dogs} />
      <p role="status">{props.total === 0 ? 'No applications match.' : `${props.total} ${props.total === 1 ? 'application matches' : 'applications match'}.`}</p>
      {props.applications.length > 0 && <InboxTable ctx={ctx} applications={props.applications} />}
      <Pager base={`${ctx.basePath}/hub/applications`} filters={{ status: props.query.status, dog: props.query.dog }} page={props.page} pages={props.pages} label="Pages of applications" />
    </Layout>
  );
}
