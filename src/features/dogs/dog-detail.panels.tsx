import { Fold } from '../../platform/http/views/fold.js';
import { Csrf, type PageContext } from '../../platform/http/views/layout.js';
import { Day, When } from '../../platform/http/views/time.js';
import { emptyForm, Field, type FormState, Select, TextArea } from '../../platform/http/views/forms.js';
import { TableWrap } from '../../platform/http/views/tables.js';
import type { DogDetail } from './dog-detail.service.js';
import { heldByApplication, reasonRequired, statusLabel } from './dogs.lifecycle.js';

/** Per-form state of the page's forms after a rejected submission, by form name. */
export type DetailForms = Record<string, FormState | undefined>;

/** What the dog still needs before the public site may show it as adoptable. */
export function AdoptabilityPanel({ detail }: { detail: DogDetail }) {
  const { adoptable, missing } = detail.adoptability;
  return (
    <section aria-labelledby="adoptable-heading" class={`notice ${adoptable ? 'ok' : ''}`}>
      <h2 id="adoptable-heading">{adoptable ? 'Adoptable' : 'Not adoptable yet'}</h2>
      {adoptable ? <p>{detail.dog.name} can be shown to adopters.</p> : (
        <>
          <p>Before {detail.dog.name} can be shown to adopters, the record:</p>
          <ul>{missing.map((m) => <li key={m}>{m}</li>)}</ul>
        </>
      )}
    </section>
  );
}

/** The current status and, for editors, the allowed next statuses. */
export function StatusPanel({ ctx, detail, canEdit, form }: { ctx: PageContext; detail: DogDetail; canEdit: boolean; form?: FormState }) {
  const { dog } = detail;
  const needsReason = detail.nextStatuses.filter((s) => reasonRequired.has(s)).map((s) => statusLabel(s).toLowerCase());
  return (
    <section aria-labelledby="status-heading">
      <h2 id="status-heading">Status: {statusLabel(dog.status)}</h2>
      {!detail.open && <p>This record is closed: {dog.name} is no longer in the rescue's care.{dog.status === 'adopted' && ' A return reopens it.'}</p>}
      {canEdit && detail.nextStatuses.length === 0 && (dog.status === 'adoption_pending'
        ? <p>{heldByApplication}</p>
        : <p>{statusLabel(dog.status)} is final: the status cannot change any more.</p>)}
      {canEdit && detail.nextStatuses.length > 0 && (
        <form method="post" action={`${ctx.basePath}/hub/dogs/${dog.id}/status`} class="stack" aria-labelledby="status-heading">
          <Csrf token={ctx.csrfToken} />
          <Select form={form ?? emptyForm} name="to" label="New status" options={[{ value: '', label: 'Choose the new status' }, ...detail.nextStatuses.map((s) => ({ value: s, label: statusLabel(s) }))]} />
          <TextArea
            form={form ?? emptyForm}
            name="reason"
            label="Reason"
            rows={2}
            hint={needsReason.length ? `Required for: ${needsReason.join(', ')}. Kept in the history.` : 'Optional. Kept in the history.'}
          />
          <div><button type="submit">Change status</button></div>
        </form>
      )}
      {canEdit && detail.open && (
        <p class="hint">Adoption pending and adopted are set from <a href={`${ctx.basePath}/hub/applications?dog=${dog.id}&status=all`}>{dog.name}'s applications</a>: approving one holds the dog, completing it adopts the dog.</p>
      )}
    </section>
  );
}

/** The bonded partner, or the form to pair this dog with another. */
export function BondPanel({ ctx, detail, canEdit, form }: { ctx: PageContext; detail: DogDetail; canEdit: boolean; form?: FormState }) {
  const { dog, partner } = detail;
  const base = `${ctx.basePath}/hub/dogs/${dog.id}`;
  return (
    <section aria-labelledby="bond-heading">
      <h2 id="bond-heading">Bonded pair</h2>
      {partner ? (
        <>
          <p>{dog.name} is bonded with <a href={`${ctx.basePath}/hub/dogs/${partner.id}`}>{partner.name}</a>: they should be adopted together.</p>
          {canEdit && (
            <form method="post" action={`${base}/unbond`} class="inline">
              <Csrf token={ctx.csrfToken} />
              <button type="submit" class="secondary">Unlink {dog.name} and {partner.name}</button>
            </form>
          )}
        </>
      ) : <p>{dog.name} is not bonded with another dog.</p>}
      {canEdit && !partner && detail.bondCandidates.length > 0 && (
        <form method="post" action={`${base}/bond`} class="stack" aria-labelledby="bond-heading">
          <Csrf token={ctx.csrfToken} />
          <Select
            form={form ?? emptyForm}
            name="partner"
            label="Bonded with"
            options={[{ value: '', label: 'Choose a dog' }, ...detail.bondCandidates.map((c) => ({ value: c.id, label: c.microchip ? `${c.name} (chip ${c.microchip})` : c.name }))]}
            hint="Dogs in care that are not in a pair yet."
          />
          <div><button type="submit">Link as a bonded pair</button></div>
        </form>
      )}
    </section>
  );
}

/** The weight history, the latest weighing first, and the form to add one. */
export function WeightsPanel({ ctx, detail, canEdit, form, today }: { ctx: PageContext; detail: DogDetail; canEdit: boolean; form?: FormState; today: string }) {
  const state = form ?? { values: { weighed_on: today }, errors: {} };
  return (
    <section aria-labelledby="weights-heading">
      <h2 id="weights-heading">Weight</h2>
      {detail.weights.length === 0 ? <p>No weight recorded yet.</p> : (
        <TableWrap labelledBy="weights-caption">
          <table>
            <caption id="weights-caption">Weight history, latest first</caption>
            <thead><tr><th scope="col">Weighed on</th><th scope="col">Weight</th></tr></thead>
            <tbody>
              {detail.weights.map((w, i) => <tr key={i}><th scope="row"><time datetime={w.weighedOn}>{w.weighedOn}</time></th><td>{w.kg} kg</td></tr>)}
            </tbody>
          </table>
        </TableWrap>
      )}
      {canEdit && (
        <Fold summary="Record a weight" open={form !== undefined}>
          <form method="post" action={`${ctx.basePath}/hub/dogs/${detail.dog.id}/weights`} class="stack" aria-label="Record a weight">
            <Csrf token={ctx.csrfToken} />
            <Field form={state} name="kg" label="Weight in kg" hint="Like 12.5" autocomplete="off" />
            <Field form={state} name="weighed_on" label="Weighed on" type="date" />
            <div><button type="submit">Record weight</button></div>
          </form>
        </Fold>
      )}
    </section>
  );
}


/** Everything that happened to the dog, newest first. */
export function Timeline({ detail }: { detail: DogDetail }) {
  return (
    <section aria-labelledby="timeline-heading">
      <h2 id="timeline-heading">Timeline</h2>
      <ol class="timeline">
        {detail.timeline.map((e, i) => (
          <li key={i} data-kind={e.kind}>
            {e.dateOnly ? <Day day={e.at.toISOString().slice(0, 10)} /> : <When at={e.at} />}{' '}
            <strong>{e.title}</strong>
            {e.withName && <span> with {e.withName}</span>}
            {e.byName && <span> by {e.byName}</span>}
            {e.detail && <p>{e.detail}</p>}
          </li>
        ))}
      </ol>
    </section>
  );
}
