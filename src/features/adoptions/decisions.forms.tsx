import { emptyForm, type FormState } from '../../platform/http/views/forms.js';
import { wallClockIn } from '../../platform/locale/index.js';
import { Csrf, type PageContext } from '../../platform/http/views/layout.js';
import type { ApplicationDetail } from './decisions.detail.js';
import { CompleteForm, ContractStep, PartnerQuestion } from './decisions.complete.forms.js';
import { Area, EmailChoice, Input } from './decisions.fields.js';
import { actionRules, applicationStatusLabel, type DecisionAction } from './decisions.transitions.js';

/** The rejected form (if any) of each action or the note, to show again with what was typed. */
export type DecisionForms = Partial<Record<DecisionAction | 'note', FormState>>;

const inputValue = (at: Date | null, timeZone = 'UTC') => (at ? wallClockIn(at, timeZone) : '');

/** One status action's form (every action but completing the adoption). */
function ActionForm({ ctx, detail, action, form }: { ctx: PageContext; detail: ApplicationDetail; action: DecisionAction; form?: FormState }) {
  const rule = actionRules[action];
  const state = form ?? emptyForm;
  return (
    <form method="post" action={`${ctx.basePath}/hub/applications/${detail.app.id}/decision`} class="stack" aria-labelledby={`h-${action}`}>
      <h3 id={`h-${action}`}>{rule.label}</h3>
      <Csrf token={ctx.csrfToken} />
      <input type="hidden" name="action" value={action} />
      <input type="hidden" name="expected" value={detail.app.status} />
      {rule.needsInterviewAt && <Input form={state} prefix={action} name="interview_at" label="Interview date and time" type="datetime-local" value={inputValue(detail.app.interview_at, ctx.locale?.timeZone)} hint="Required. Your local time, as the applicant should read it." />}
      {rule.needsReason && <Area form={state} prefix={action} name="reason" label="Reason" hint="Required. Kept in the history and sent to the applicant with the email." />}
      {action === 'approve' && <PartnerQuestion detail={detail} form={form} prefix={action} step="approve" />}
      <EmailChoice detail={detail} form={form} prefix={action} name="email" template={rule.to} who="the applicant" />
      <div><button type="submit" class={action === 'deny' ? 'danger' : undefined}>{rule.label}</button></div>
    </form>
  );
}

/** What was typed into a refused step that the new status no longer offers, so nothing typed is lost. */
function NotSaved({ detail, forms }: { detail: ApplicationDetail; forms: DecisionForms }) {
  const lost = (Object.keys(forms) as (keyof DecisionForms)[])
    .filter((k) => k !== 'note' && !detail.actions.includes(k as DecisionAction))
    .flatMap((k) => [forms[k]!.values.reason, forms[k]!.values.interview_at].filter((v): v is string => !!v?.trim()));
  if (lost.length === 0) return null;
  return (
    <div class="notice warn">
      <p>Not saved. What you typed, to copy if you still need it:</p>
      {lost.map((text, i) => <p key={i} class="answer">{text}</p>)}
    </div>
  );
}

/** The actions allowed from the application's status, one form each; once approved, the contract comes first and denying last. */
export function ActionsPanel({ ctx, detail, forms }: { ctx: PageContext; detail: ApplicationDetail; forms: DecisionForms }) {
  return (
    <section aria-labelledby="actions-heading">
      <h2 id="actions-heading">Next steps</h2>
      <NotSaved detail={detail} forms={forms} />
      {detail.actions.length === 0 && <p>This application is {applicationStatusLabel(detail.app.status).toLowerCase()}: nothing more can be done with it.</p>}
      {detail.app.status === 'approved' && <ContractStep ctx={ctx} detail={detail} />}
      {detail.actions.map((a) => (a === 'complete'
        ? <CompleteForm key={a} ctx={ctx} detail={detail} form={forms.complete} />
        : <ActionForm key={a} ctx={ctx} detail={detail} action={a} form={forms[a]} />))}
    </section>
  );
}

/** The staff note form. */
export function NoteForm({ ctx, detail, form }: { ctx: PageContext; detail: ApplicationDetail; form?: FormState }) {
  return (
    <form method="post" action={`${ctx.basePath}/hub/applications/${detail.app.id}/notes`} class="stack" aria-labelledby="note-heading">
      <h2 id="note-heading">Add a note</h2>
      <Csrf token={ctx.csrfToken} />
      <Area form={form ?? emptyForm} prefix="note" name="note" label="Note" hint="Only staff see notes. They are kept in the history below." rows={4} />
      <div><button type="submit">Add note</button></div>
    </form>
  );
}
