import { Fold } from '../../platform/http/views/fold.js';
import { Csrf } from '../../platform/http/views/layout.js';
import { DeleteEntry, Day, EntryTable } from './medical.components.js';
import { LinkedDocuments } from './documents.views.js';
import { vaccinationName } from './medical.fields.js';
import { TreatmentFields, VaccinationFields, VisitFields } from './medical.formfields.js';
import { repeatText } from './medical.schedule.js';
import type { PanelProps } from './medical.panel-props.js';

const base = (p: PanelProps) => `${p.ctx.basePath}/hub/dogs/${p.record.dog.id}`;

/** A one-date form on a row ("record booster", "record dose"), with a label of its own. */
function DateAction({ p, action, id, label, button }: { p: PanelProps; action: string; id: string; label: string; button: string }) {
  const rejected = p.forms.rowDate?.id === id ? p.forms.rowDate.form : undefined;
  const error = rejected?.errors.given_on;
  return (
    <form method="post" action={action} class="inline">
      <Csrf token={p.ctx.csrfToken} />
      <label for={id}>{label}</label>
      <input id={id} name="given_on" type="date" value={rejected ? (rejected.values.given_on ?? '') : p.today} required
        aria-invalid={error ? 'true' : undefined} aria-describedby={error ? `${id}-error` : undefined} />
      {error && <span class="field-error" id={`${id}-error`}>{error}</span>}
      <button type="submit">{button}</button>
    </form>
  );
}

/** Edit link, the row's own action and delete button, for editors. */
function RowActions({ p, path, id, what, children }: { p: PanelProps; path: string; id: string; what: string; children?: preact.ComponentChildren }) {
  return (
    <td>
      <a href={`${base(p)}/${path}/${id}/edit`} aria-label={`Edit ${what}`}>Edit</a>
      {children}
      <DeleteEntry ctx={p.ctx} action={`${base(p)}/${path}/${id}/delete`} what={what} />
    </td>
  );
}

/** Vaccinations given, with the next due date, and the form to add one. */
export function VaccinationsPanel(p: PanelProps) {
  const form = p.forms.vaccination ?? { values: { given_on: p.today }, errors: {} };
  return (
    <section aria-labelledby="vaccinations-heading">
      <h2 id="vaccinations-heading">Vaccinations</h2>
      <EntryTable id="vaccinations" caption="Vaccinations, latest first" empty="No vaccination recorded yet." head={['Vaccine', 'Given on', 'Next due', 'Given by', 'Notes', 'Documents', ...(p.canEdit ? ['Actions'] : [])]} count={p.record.vaccinations.length}>
        {p.record.vaccinations.map((v) => {
          const what = `the ${vaccinationName(v.type, v.label)} vaccination of ${v.given_on}`;
          return (
            <tr key={v.id}>
              <th scope="row">{vaccinationName(v.type, v.label)}</th>
              <td><Day value={v.given_on} /></td><td><Day value={v.due_on} /></td><td>{v.given_by || '—'}</td><td>{v.notes}</td>
              <td><LinkedDocuments ctx={p.ctx} dogId={p.record.dog.id} documents={p.record.documents.filter((d) => d.vaccination_id === v.id)} /></td>
              {p.canEdit && (
                <RowActions p={p} path="vaccinations" id={v.id} what={what}>
                  <DateAction p={p} action={`${base(p)}/vaccinations/${v.id}/booster`} id={`booster-${v.id}`} label={`Booster of ${vaccinationName(v.type, v.label)} given on`} button="Record booster" />
                </RowActions>
              )}
            </tr>
          );
        })}
      </EntryTable>
      {p.canEdit && (
        <Fold summary="Record a vaccination" open={p.forms.vaccination !== undefined}>
          <form method="post" action={`${base(p)}/vaccinations`} class="stack" aria-label="Record a vaccination">
            <Csrf token={p.ctx.csrfToken} />
            <VaccinationFields form={form} />
            <div><button type="submit">Record vaccination</button></div>
          </form>
        </Fold>
      )}
    </section>
  );
}

// A carer who may not edit (a foster) records the doses they give, and nothing else.
function DoseAction({ p, t }: { p: PanelProps; t: { id: string; name: string; repeat_every: number | null } }) {
  if (!t.repeat_every) return null;
  return <DateAction p={p} action={`${base(p)}/treatments/${t.id}/dose`} id={`dose-${t.id}`} label={`Dose of ${t.name} given on`} button="Record dose" />;
}

/** Treatments and medications with their schedules, and the form to add one. */
export function TreatmentsPanel(p: PanelProps) {
  const form = p.forms.treatment ?? { values: { starts_on: p.today, kind: 'medication' }, errors: {} };
  const actions = p.canEdit || p.canRecord;
  return (
    <section aria-labelledby="treatments-heading">
      <h2 id="treatments-heading">Treatments and medications</h2>
      <EntryTable id="treatments" caption="Treatments and medications, latest first" empty="No treatment or medication recorded yet." head={['Name', 'Kind', 'Dose', 'Schedule', 'From', 'Until', 'Next due', 'Documents', ...(actions ? ['Actions'] : [])]} count={p.record.treatments.length}>
        {p.record.treatments.map((t) => (
          <tr key={t.id}>
            <th scope="row">{t.name}</th>
            <td>{t.kind === 'medication' ? 'Medication' : 'Treatment'}</td><td>{t.dose || '—'}</td>
            <td>{[t.schedule, repeatText(t.repeat_every, t.repeat_unit)].filter(Boolean).join('; ') || '—'}</td>
            <td><Day value={t.starts_on} /></td><td><Day value={t.ends_on} /></td><td><Day value={t.next_due_on} /></td>
            <td><LinkedDocuments ctx={p.ctx} dogId={p.record.dog.id} documents={p.record.documents.filter((d) => d.treatment_id === t.id)} /></td>
            {p.canEdit && (
              <RowActions p={p} path="treatments" id={t.id} what={`${t.name} from ${t.starts_on}`}>
                <DoseAction p={p} t={t} />
              </RowActions>
            )}
            {!p.canEdit && p.canRecord && <td><DoseAction p={p} t={t} /></td>}
          </tr>
        ))}
      </EntryTable>
      {p.canEdit && (
        <Fold summary="Record a treatment or medication" open={p.forms.treatment !== undefined}>
          <form method="post" action={`${base(p)}/treatments`} class="stack" aria-label="Record a treatment or medication">
            <Csrf token={p.ctx.csrfToken} />
            <TreatmentFields form={form} />
            <div><button type="submit">Record treatment</button></div>
          </form>
        </Fold>
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
      <EntryTable id="visits" caption="Vet visits, latest first" empty="No vet visit recorded yet." head={['Date', 'Clinic', 'Reason', 'Outcome', 'Documents', ...(p.canEdit ? ['Actions'] : [])]} count={p.record.visits.length}>
        {p.record.visits.map((v) => (
          <tr key={v.id}>
            <th scope="row"><Day value={v.visit_on} /></th><td>{v.clinic}</td><td>{v.reason}</td><td>{v.outcome || '—'}</td>
            <td><LinkedDocuments ctx={p.ctx} dogId={p.record.dog.id} documents={p.record.documents.filter((d) => d.visit_id === v.id)} /></td>
            {p.canEdit && <RowActions p={p} path="visits" id={v.id} what={`the visit to ${v.clinic} on ${v.visit_on}`} />}
          </tr>
        ))}
      </EntryTable>
      {p.canEdit && (
        <Fold summary="Record a vet visit" open={p.forms.visit !== undefined}>
          <form method="post" action={`${base(p)}/visits`} class="stack" aria-label="Record a vet visit">
            <Csrf token={p.ctx.csrfToken} />
            <VisitFields form={form} />
            <div><button type="submit">Record visit</button></div>
          </form>
        </Fold>
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
