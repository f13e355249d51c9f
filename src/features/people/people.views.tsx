import { Csrf, Layout, type PageContext } from '../../platform/http/views/layout.js';
import { When } from '../../platform/http/views/time.js';
import { ErrorSummary, Field, Notice, Select, type FormState } from '../../platform/http/views/forms.js';
import { TableWrap } from '../../platform/http/views/tables.js';
import { applicationStatusLabels, type ContactApplication } from '../adoptions/adoptions.public.js';
import type { LikelyDuplicate } from './people.public.js';
import { Checkboxes, TextArea } from './people.components.js';
import { contactDetailsHiddenReason } from './people.privacy.js';
import { contactRoleChoices } from './people.schema.js';
import type { ContactFull, ContactListRow } from './people.service.js';

const roleLabel = (r: string) => contactRoleChoices.find((c) => c.value === r)?.label ?? r;
const rolesText = (roles: string[]) => roles.map(roleLabel).join(', ') || '—';

// Posted, not a GET form: an email or phone searched for must not end up in a URL (history, logs).
function Search({ ctx, form, message }: { ctx: PageContext; form: FormState; message?: string }) {
  return (
    <form method="post" action={`${ctx.basePath}/hub/people/search`} class="stack" role="search" aria-label="Find people">
      <ErrorSummary form={form} message={message} />
      <Csrf token={ctx.csrfToken} />
      <Field form={form} name="q" label="Name, organisation, exact email or phone" type="search" autocomplete="off" />
      <Select form={form} name="role" label="Role" options={[{ value: '', label: 'Any role' }, ...contactRoleChoices]} />
      <div><button type="submit">Search</button> <a href={`${ctx.basePath}/hub/people`}>Clear</a></div>
    </form>
  );
}

function PeopleTable({ ctx, people, detailsHidden }: { ctx: PageContext; people: ContactListRow[]; detailsHidden: boolean }) {
  if (people.length === 0) return <p>No contacts match.</p>;
  return (
    <TableWrap labelledBy="people-caption">
      <table>
        <caption id="people-caption">{`${people.length} ${people.length === 1 ? 'contact' : 'contacts'}`}</caption>
        <thead><tr><th scope="col">Name</th><th scope="col">Roles</th>{!detailsHidden && <><th scope="col">Email</th><th scope="col">Phone</th></>}<th scope="col">Organisation</th></tr></thead>
        <tbody>
          {people.map((p) => (
            <tr key={p.id}>
              <th scope="row"><a href={`${ctx.basePath}/hub/people/${p.id}`}>{p.name}</a>{p.likelyDuplicate && <span class="badge"> (likely duplicate)</span>}</th>
              <td>{rolesText(p.roles)}</td>
              {!detailsHidden && <><td>{p.email || '—'}</td><td>{p.phone || '—'}</td></>}
              <td>{p.organisation || '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}

/** The hub's people list with search and a role filter; `people` is null when the search was refused. */
export function PeopleListPage({ ctx, form, people, canManage, message, detailsHidden = false }: { ctx: PageContext; form: FormState; people: ContactListRow[] | null; canManage: boolean; message?: string; detailsHidden?: boolean }) {
  return (
    <Layout ctx={ctx} title="People">
      <h1>People</h1>
      <p>Adopters, applicants, fosters and vets. Details are stored encrypted.</p>
      {canManage && <p><a href={`${ctx.basePath}/hub/people/new`}>Add a contact</a></p>}
      <Search ctx={ctx} form={form} message={message} />
      {detailsHidden && <p class="notice">{contactDetailsHiddenReason}</p>}
      {people && <PeopleTable ctx={ctx} people={people} detailsHidden={detailsHidden} />}
    </Layout>
  );
}

/** The create or edit form of a contact; `id` is set when editing. */
export function ContactFormPage({ ctx, form, id, message }: { ctx: PageContext; form: FormState; id?: string; message?: string }) {
  const title = id ? 'Edit contact' : 'Add a contact';
  const action = id ? `${ctx.basePath}/hub/people/${id}` : `${ctx.basePath}/hub/people`;
  const checked = (form.values.roles ?? '').split(',').filter(Boolean);
  return (
    <Layout ctx={ctx} title={title}>
      <h1>{title}</h1>
      <ErrorSummary form={form} message={message} />
      <form method="post" action={action} class="stack" novalidate>
        <Csrf token={ctx.csrfToken} />
        <Field form={form} name="name" label="Name" autocomplete="off" required />
        <Field form={form} name="email" label="Email" type="email" autocomplete="off" />
        <Field form={form} name="phone" label="Phone" type="tel" autocomplete="off" />
        <TextArea form={form} name="address" label="Address" rows={3} />
        <Field form={form} name="organisation" label="Organisation" hint="For example the vet clinic." />
        <Checkboxes form={form} name="roles" legend="Roles" options={contactRoleChoices} checked={checked} />
        <TextArea form={form} name="notes" label="Notes" rows={4} />
        <div><button type="submit">{id ? 'Save' : 'Add contact'}</button> <a href={id ? `${ctx.basePath}/hub/people/${id}` : `${ctx.basePath}/hub/people`}>Cancel</a></div>
      </form>
    </Layout>
  );
}

function Duplicates({ ctx, duplicates }: { ctx: PageContext; duplicates: LikelyDuplicate[] }) {
  if (duplicates.length === 0) return null;
  return (
    <section aria-labelledby="dups-heading" class="notice warn">
      <h2 id="dups-heading">Likely duplicate</h2>
      <p>Other contacts share this email or phone number under another name:</p>
      <ul>
        {duplicates.map((d) => (
          <li key={d.contactId}><a href={`${ctx.basePath}/hub/people/${d.contactId}`}>{d.name}</a> (same {d.matchedOn.join(' and ')})</li>
        ))}
      </ul>
    </section>
  );
}

function Applications({ ctx, applications }: { ctx: PageContext; applications: ContactApplication[] }) {
  return (
    <section aria-labelledby="apps-heading">
      <h2 id="apps-heading">Applications</h2>
      {applications.length === 0 ? <p>No applications.</p> : applications.map((a) => (
        <article key={a.id} aria-labelledby={`app-${a.id}`}>
          <h3 id={`app-${a.id}`}><a href={`${ctx.basePath}/hub/applications/${a.id}`}>{`Application for ${a.dogName}`}</a></h3>
          <p>{applicationStatusLabels[a.status]}, received <When at={a.createdAt} dateOnly />.</p>
          <dl>
            {a.answers.map((q) => [<dt key={`${q.questionId}-q`}>{q.label}</dt>, <dd key={`${q.questionId}-a`}>{q.answer || '—'}</dd>])}
          </dl>
        </article>
      ))}
    </section>
  );
}

/** A contact's page: details, likely duplicates and applications. */
export function ContactPage(props: { ctx: PageContext; contact: ContactFull; duplicates: LikelyDuplicate[]; applications: ContactApplication[]; canManage: boolean; detailsHidden?: boolean; saved?: boolean }) {
  const { ctx, contact: c } = props;
  return (
    <Layout ctx={ctx} title={c.name}>
      <h1>{c.name}</h1>
      {props.saved && <Notice>The contact was saved.</Notice>}
      <Duplicates ctx={ctx} duplicates={props.duplicates} />
      <dl>
        <dt>Roles</dt><dd>{rolesText(c.roles)}</dd>
        {props.detailsHidden ? <><dt>Email, phone and address</dt><dd>Hidden. {contactDetailsHiddenReason}</dd></> : <>
          <dt>Email</dt><dd>{c.email ? <a href={`mailto:${c.email}`}>{c.email}</a> : '—'}</dd>
          <dt>Phone</dt><dd>{c.phone || '—'}</dd>
          <dt>Address</dt><dd class="pre-line">{c.address || '—'}</dd>
        </>}
        <dt>Organisation</dt><dd>{c.organisation || '—'}</dd>
        <dt>Notes</dt><dd class="pre-line">{c.notes || '—'}</dd>
      </dl>
      {props.canManage && <p><a href={`${ctx.basePath}/hub/people/${c.id}/edit`}>Edit contact</a></p>}
      <Applications ctx={ctx} applications={props.applications} />
      <p><a href={`${ctx.basePath}/hub/people`}>All people</a></p>
    </Layout>
  );
}
