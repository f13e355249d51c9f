import { Csrf, type PageContext } from '../../platform/http/views/layout.js';
import { Field, type FormState } from '../../platform/http/views/forms.js';
import { ChoiceSelect, TextArea } from '../dogs/dogs.components.js';
import { DeleteEntry, Day, EntryTable } from './medical.components.js';
import { treatmentKindChoices, vaccinationName, vaccinationTypeChoices } from './medical.fields.js';
import type { MedicalRecord } from './medical.service.js';

/** Per-form state of the medical page's forms after a rejected submission. */
export interface MedicalForms {
  vaccination?: FormState;
  treatment?: FormState;
  visit?: FormState;
}

/** What every panel of the medical page is given. */
export interface PanelProps {
  ctx: PageContext;
  record: MedicalRecord;
  canEdit: boolean;
  forms: MedicalForms;
  today: string;
}

const base = (p: PanelProps) => `${p.ctx.basePath}/hub/dogs/${p.record.dog.id}`;

/** Vaccinations given, with the next due date, and the form to add one. */
export function VaccinationsPanel(p: PanelProps) {
  const form = p.forms.vaccination ?? { values: { given_on: p.today }, errors: {} };
  return (
    <section aria-labelledby="vaccinations-heading">
      <h2 id="vaccinations-heading">Vaccinations</h2>
      <EntryTable id="vaccinations" caption="Vaccinations, latest first" empty="No vaccination recorded yet." head={['Vaccine', 'Given on', 'Next due', 'Given by', 'Notes', ...(p.canEdit ? [''] : [])]} count={p.record.vaccinations.length}>
        {p.record.vaccinations.map((v) => (
          <tr key={v.id}>
            <th scope="row">{vaccinationName(v.type, v.label)}</th>
            <td><Day value={v.given_on} /></td><td><Day value={v.due_on} /></td><td>{v.given_by || '—'}</td><td>{v.notes}</td>
            {p.canEdit && <td><DeleteEntry ctx={p.ctx} action={`${base(p)}/vaccinations/${v.id}/delete`} what={`the ${vaccinationName(v.type, v.label)} vaccination of ${v.given_on}`} /></td>}
          </tr>
        ))}
      </EntryTable>
      {p.canEdit && (
        <form method="post" action={`${base(p)}/vaccinations`} class="stack" aria-label="Record a vaccination">
          <Csrf token={p.ctx.csrfToken} />
          <ChoiceSelect form={form} name="type" label="Vaccine" options={[{ value: '', label: 'Choose a vaccine' }, ...vaccinationTypeChoices]} />
          <Field form={form} name="label" label="Name or brand" hint="Required for other vaccines." />
          <Field form={form} name="given_on" label="Given on" type="date" />
          <Field form={form} name="due_on" label="Next dose due" type="date" hint="Optional. Shown on the dashboard when it comes close." />
          <Field form={form} name="given_by" label="Given by" hint="The vet or clinic." />
          <TextArea form={form} name="notes" label="Notes" rows={2} />
          <div><button type="submit">Record vaccination</button></div>
        </form>
      )}
    </section>
  );
}

/** Treatments and medications with their schedules, and the form to add one. */
export function TreatmentsPanel(p: PanelProps) {
  const form = p.forms.treatment ?? { values: { starts_on: p.today, kind: 'medication' }, errors: {} };
  return (
    <section aria-labelledby="treatments-heading">
      <h2 id="treatments-heading">Treatments and medications</h2>
      <EntryTable id="treatments" caption="Treatments and medications, latest first" empty="No treatment or medication recorded yet." head={['Name', 'Kind', 'Dose', 'Schedule', 'From', 'Until', 'Next due', ...(p.canEdit ? [''] : [])]} count={p.record.treatments.length}>
        {p.record.treatments.map((t) => (
          <tr key={t.id}>
            <th scope="row">{t.name}</th>
            <td>{t.kind === 'medication' ? 'Medication' : 'Treatment'}</td><td>{t.dose || '—'}</td><td>{t.schedule || '—'}</td>
            <td><Day value={t.starts_on} /></td><td><Day value={t.ends_on} /></td><td><Day value={t.next_due_on} /></td>
            {p.canEdit && <td><DeleteEntry ctx={p.ctx} action={`${base(p)}/treatments/${t.id}/delete`} what={`${t.name} from ${t.starts_on}`} /></td>}
          </tr>
        ))}
      </EntryTable>
      {p.canEdit && (
        <form method="post" action={`${base(p)}/treatments`} class="stack" aria-label="Record a treatment or medication">
          <Csrf token={p.ctx.csrfToken} />
          <ChoiceSelect form={form} name="kind" label="Kind" options={treatmentKindChoices} />
          <Field form={form} name="name" label="Name" />
          <Field form={form} name="dose" label="Dose" hint="Like 1 tablet, 5 ml." />
          <Field form={form} name="schedule" label="Schedule" hint="Like twice daily, monthly." />
          <Field form={form} name="starts_on" label="Starts on" type="date" />
          <Field form={form} name="ends_on" label="Ends on" type="date" hint="Optional." />
          <Field form={form} name="next_due_on" label="Next due" type="date" hint="Optional. Shown on the dashboard when it comes close." />
          <TextArea form={form} name="notes" label="Notes" rows={2} />
          <div><button type="submit">Record treatment</button></div>
        </form>
      )}
    </section>
  );
}

/** Vet visits with their reason and outcome, and the form to add one. */
export function VisitsPanel(p: PanelProps) {
  const form = p.forms.visit ?? { values: { visit_on: p.today }, errors: {} };
  return (
    <section aria-labelledby="visits-heading">
      <h2 id="visits-heading">Vet visits</h2>
      <EntryTable id="visits" caption="Vet visits, latest first" empty="No vet visit recorded yet." head={['Date', 'Clinic', 'Reason', 'Outcome', ...(p.canEdit ? [''] : [])]} count={p.record.visits.length}>
        {p.record.visits.map((v) => (
          <tr key={v.id}>
            <th scope="row"><Day value={v.visit_on} /></th><td>{v.clinic}</td><td>{v.reason}</td><td>{v.outcome || '—'}</td>
            {p.canEdit && <td><DeleteEntry ctx={p.ctx} action={`${base(p)}/visits/${v.id}/delete`} what={`the visit to ${v.clinic} on ${v.visit_on}`} /></td>}
          </tr>
        ))}
      </EntryTable>
      {p.canEdit && (
        <form method="post" action={`${base(p)}/visits`} class="stack" aria-label="Record a vet visit">
          <Csrf token={p.ctx.csrfToken} />
          <Field form={form} name="clinic" label="Clinic" />
          <Field form={form} name="visit_on" label="Date of the visit" type="date" />
          <TextArea form={form} name="reason" label="Reason" rows={2} />
          <TextArea form={form} name="outcome" label="Outcome" rows={3} />
          <div><button type="submit">Record visit</button></div>
        </form>
      )}
    </section>
  );
}

/** The weight history, read from the dogs feature; weighings are recorded on the dog's page. */
export function WeightsPanel(p: PanelProps) {
  return (
    <section aria-labelledby="weights-heading">
      <h2 id="weights-heading">Weight</h2>
      <EntryTable id="weights" caption="Weight history, latest first" empty="No weight recorded yet." head={['Weighed on', 'Weight']} count={p.record.weights.length}>
        {p.record.weights.map((w, i) => <tr key={i}><th scope="row"><Day value={w.weighedOn} /></th><td>{w.kg} kg</td></tr>)}
      </EntryTable>
      <p><a href={base(p)}>Record a weight on {p.record.dog.name}'s page</a></p>
    </section>
  );
}
