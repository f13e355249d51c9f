import { Layout, type PageContext } from '../../platform/http/views/layout.js';
import { Notice, type FormState } from '../../platform/http/views/forms.js';
import { TableWrap } from '../../platform/http/views/tables.js';
import { When } from '../../platform/http/views/time.js';
import type { ComponentChildren } from 'preact';
import { repeatText, vaccinationName } from '../medical/medical.public.js';
import type { VetAccessView } from './access.js';
import { MessageForm, Thread } from './thread.views.js';
import { UploadForm, UploadList } from './uploads.views.js';

const typeLabel: Record<string, string> = { 'application/pdf': 'PDF', 'image/jpeg': 'JPEG image', 'image/png': 'PNG image', 'image/webp': 'WebP image' };

/** Where a grant's pages live. */
export const grantPath = (grantId: string) => `/vet/access/${grantId}`;

function Table({ id, caption, head, count, empty, children }: { id: string; caption: string; head: string[]; count: number; empty: string; children: ComponentChildren }) {
  if (count === 0) return <p>{empty}</p>;
  return (
    <TableWrap labelledBy={`${id}-caption`}>
      <table>
        <caption id={`${id}-caption`}>{caption}</caption>
        <thead><tr>{head.map((h) => <th scope="col" key={h}>{h}</th>)}</tr></thead>
        <tbody>{children}</tbody>
      </table>
    </TableWrap>
  );
}

const day = (d: string | null) => (d ? <time datetime={d}>{d}</time> : '—');

function RecordTables({ view }: { view: VetAccessView }) {
  const r = view.record;
  return (
    <>
      <h2>Vaccinations</h2>
      <Table id="vaccinations" caption="Vaccinations, latest first" head={['Vaccine', 'Given on', 'Next due']} count={r.vaccinations.length} empty="No vaccination recorded.">
        {r.vaccinations.map((v) => <tr key={v.id}><th scope="row">{vaccinationName(v.type, v.label)}</th><td>{day(v.given_on)}</td><td>{day(v.due_on)}</td></tr>)}
      </Table>
      <h2>Treatments and medications</h2>
      <Table id="treatments" caption="Treatments and medications, latest first" head={['Name', 'Kind', 'Dose', 'Schedule', 'From', 'Until', 'Next due']} count={r.treatments.length} empty="No treatment or medication recorded.">
        {r.treatments.map((t) => (
          <tr key={t.id}>
            <th scope="row">{t.name}</th><td>{t.kind === 'medication' ? 'Medication' : 'Treatment'}</td><td>{t.dose || '—'}</td>
            <td>{[t.schedule, repeatText(t.repeat_every, t.repeat_unit)].filter(Boolean).join('; ') || '—'}</td>
            <td>{day(t.starts_on)}</td><td>{day(t.ends_on)}</td><td>{day(t.next_due_on)}</td>
          </tr>
        ))}
      </Table>
      <h2>Vet visits</h2>
      <Table id="visits" caption="Vet visits, latest first" head={['Date', 'Clinic', 'Reason', 'Outcome']} count={r.visits.length} empty="No vet visit recorded.">
        {r.visits.map((v) => <tr key={v.id}><th scope="row">{day(v.visit_on)}</th><td>{v.clinic}</td><td>{v.reason}</td><td>{v.outcome || '—'}</td></tr>)}
      </Table>
      <h2>Weight</h2>
      <Table id="weights" caption="Weight history, latest first" head={['Weighed on', 'Weight']} count={r.weights.length} empty="No weight recorded.">
        {r.weights.map((w, i) => <tr key={i}><th scope="row">{day(w.weighedOn)}</th><td>{w.kg} kg</td></tr>)}
      </Table>
      <h2 id="documents">Documents</h2>
      <Table id="documents-list" caption="Documents, latest first" head={['Title', 'Added', 'Type']} count={r.documents.length} empty="No document attached.">
        {r.documents.map((d) => (
          <tr key={d.id}>
            <th scope="row"><a href={`${grantPath(view.grantId)}/documents/${d.id}`} download>{d.title}</a></th>
            <td><When at={d.created_at} dateOnly /></td><td>{typeLabel[d.content_type] ?? d.content_type}</td>
          </tr>
        ))}
      </Table>
    </>
  );
}

/** What the vet's grant page may be drawn with after a form: a notice, or a refused form kept as typed. */
export interface AccessPageState {
  notice?: string;
  message?: { form: FormState; text?: string };
  upload?: { form: FormState; text?: string };
}

/** A vet's read-only view of one dog's medical record under a grant, with the thread and uploads. */
export function VetAccessPage({ ctx, view, state, maxMb }: { ctx: PageContext; view: VetAccessView; state: AccessPageState; maxMb: number }) {
  const base = grantPath(view.grantId);
  const d = view.dog;
  return (
    <Layout ctx={ctx} title={`${d.name}: medical record`}>
      <h1>{d.name}</h1>
      <p>{`In the care of ${view.rescueName}. Your access ends `}<When at={view.expiresAt} />{' unless the rescue withdraws it sooner.'}</p>
      {state.notice && <Notice>{state.notice}</Notice>}
      <div class="split">
        {d.photoAlt && <img src={`${base}/photo`} alt={d.photoAlt} width={320} />}
        <dl>
          <dt>Breed</dt><dd>{d.breeds}</dd>
          <dt>Sex</dt><dd>{d.sex}</dd>
          <dt>Age</dt><dd>{d.age}</dd>
          <dt>Size</dt><dd>{d.size}</dd>
        </dl>
      </div>
      <RecordTables view={view} />
      <h2 id="messages">Messages with the rescue</h2>
      <Thread messages={view.thread} />
      <MessageForm ctx={ctx} action={`${base}/messages`} form={state.message?.form} message={state.message?.text} />
      <h2 id="uploads">Send the rescue a document</h2>
      <UploadList ctx={ctx} uploads={view.uploads} />
      <UploadForm ctx={ctx} action={`${base}/uploads`} form={state.upload?.form} message={state.upload?.text} maxMb={maxMb} />
    </Layout>
  );
}
