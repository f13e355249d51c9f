import { emptyForm, type FormState } from '../../platform/http/views/forms.js';
import { wallClockIn } from '../../platform/locale/index.js';
import { Csrf, type PageContext } from '../../platform/http/views/layout.js';
import type { ApplicationDetail } from './decisions.detail.js';
import { actionRules, applicationStatusLabel, type DecisionAction } from './decisions.transitions.js';
import { templateLabel, type TemplateStatus } from './templates.render.js';

/** The rejected form (if any) of each action or the note, to show again with what was typed. */
export type DecisionForms = Partial<Record<DecisionAction | 'note', FormState>>;

const described = (id: string, hint?: string, error?: string) => [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;

/** A labelled input whose id is unique on a page of several forms. */
function Input(props: { form: FormState; prefix: string; name: string; label: string; type?: string; hint?: string; value?: string }) {
  const id = `f-${props.prefix}-${props.name}`;
  const error = props.form.errors[props.name];
  return (
    <div>
      <label for={id}>{props.label}</label>
      <input id={id} name={props.name} type={props.type ?? 'text'} value={props.form.values[props.name] ?? props.value ?? ''} aria-invalid={error ? 'true' : undefined} aria-describedby={described(id, props.hint, error)} />
      {props.hint && <p class="hint" id={`${id}-hint`}>{props.hint}</p>}
      {error && <p class="field-error" id={`${id}-error`}>{error}</p>}
    </div>
  );
}

/** A labelled text area whose id is unique on the page. */
export function Area(props: { form: FormState; prefix: string; name: string; label: string; hint?: string; rows?: number }) {
  const id = `f-${props.prefix}-${props.name}`;
  const error = props.form.errors[props.name];
  return (
    <div>
      <label for={id}>{props.label}</label>
      <textarea id={id} name={props.name} rows={props.rows ?? 3} aria-invalid={error ? 'true' : undefined} aria-describedby={described(id, props.hint, error)}>{props.form.values[props.name] ?? ''}</textarea>
      {props.hint && <p class="hint" id={`${id}-hint`}>{props.hint}</p>}
      {error && <p class="field-error" id={`${id}-error`}>{error}</p>}
    </div>
  );
}

/** A checkbox, ticked by default on a fresh form and as it was on a rejected one. */
function Check(props: { form?: FormState; prefix: string; name: string; label: string }) {
  const id = `f-${props.prefix}-${props.name}`;
  const checked = props.form ? props.form.values[props.name] === 'yes' : true;
  return (
    <div class="check">
      <input type="checkbox" id={id} name={props.name} value="yes" checked={checked} />
      <label for={id}>{props.label}</label>
    </div>
  );
}

/** The email choice of one step: a checkbox when the template is on, else a line saying no email goes out. */
function EmailChoice(props: { detail: ApplicationDetail; form?: FormState; prefix: string; name: string; template: TemplateStatus; who: string }) {
  const label = templateLabel(props.template);
  if (!props.detail.emailOn.has(props.template)) return <p class="hint">No email goes to {props.who}: the “{label}” email template is switched off.</p>;
  return <Check form={props.form} prefix={props.prefix} name={props.name} label={`Email ${props.who} (the “${label}” template)`} />;
}

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
      <EmailChoice detail={detail} form={form} prefix={action} name="email" template={rule.to} who="the applicant" />
      <div><button type="submit" class={action === 'deny' ? 'danger' : undefined}>{rule.label}</button></div>
    </form>
  );
}

/** Completing the adoption: what it does, and whom to email. */
function CompleteForm({ ctx, detail, form }: { ctx: PageContext; detail: ApplicationDetail; form?: FormState }) {
  const { app } = detail;
  return (
    <form method="post" action={`${ctx.basePath}/hub/applications/${app.id}/complete`} class="stack" aria-labelledby="h-complete">
      <h3 id="h-complete">Complete the adoption</h3>
      <p>{app.dog_name} becomes adopted with this applicant recorded as the adopter. Every other open application for {app.dog_name} is closed.</p>
      <Csrf token={ctx.csrfToken} />
      <input type="hidden" name="expected" value={app.status} />
      <EmailChoice detail={detail} form={form} prefix="complete" name="email" template="completed" who="the adopter" />
      <EmailChoice detail={detail} form={form} prefix="complete" name="email_others" template="closed" who="the other applicants" />
      <div><button type="submit">Complete the adoption</button></div>
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

/** The actions allowed from the application's status, one form each. */
export function ActionsPanel({ ctx, detail, forms }: { ctx: PageContext; detail: ApplicationDetail; forms: DecisionForms }) {
  return (
    <section aria-labelledby="actions-heading">
      <h2 id="actions-heading">Next steps</h2>
      <NotSaved detail={detail} forms={forms} />
      {detail.actions.length === 0 && <p>This application is {applicationStatusLabel(detail.app.status).toLowerCase()}: nothing more can be done with it.</p>}
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
