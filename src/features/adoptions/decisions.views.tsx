import { Fragment } from 'preact';
import { useRescueLocale, When } from '../../platform/http/views/time.js';
import { Notice } from '../../platform/http/views/forms.js';
import { Layout, type PageContext } from '../../platform/http/views/layout.js';
import { formatMoney } from '../../platform/locale/index.js';
import type { ApplicationDetail, ApplicationEvent, Completion } from './decisions.detail.js';
import { feeMethodLabel } from './decisions.fees.js';
import { ActionsPanel, NoteForm, type DecisionForms } from './decisions.forms.js';
import { applicationStatusLabel } from './decisions.transitions.js';
import { formatInterviewAt } from './templates.render.js';
import { contactDetailsHiddenReason } from '../people/people.public.js';

/** The application page's data. */
export interface ApplicationPageProps {
  ctx: PageContext;
  detail: ApplicationDetail;
  canManage: boolean;
  /** The applicant's email, phone and address are hidden from this member (a viewer; Settings, Privacy). */
  contactsHidden?: boolean;
  forms?: DecisionForms;
  notice?: string;
  message?: string;
}

function Applicant({ ctx, detail, hidden }: { ctx: PageContext; detail: ApplicationDetail; hidden?: boolean }) {
  const a = detail.applicant;
  const rows: [string, string][] = !a ? [] : hidden ? [['Email, phone and address', `Hidden. ${contactDetailsHiddenReason}`]] : [['Email', a.email || '—'], ['Phone', a.phone || '—'], ['Address', a.address || '—']];
  return (
    <section aria-labelledby="applicant-heading">
      <h2 id="applicant-heading">Applicant</h2>
      {a ? (
        <>
          <p><a href={`${ctx.basePath}/hub/people/${a.id}`}>{a.name}</a></p>
          <dl>{rows.map(([term, value]) => <Fragment key={term}><dt>{term}</dt><dd>{value}</dd></Fragment>)}</dl>
        </>
      ) : <p>The contact record of this applicant was removed.</p>}
      {detail.duplicates.length > 0 && (
        <div class="notice warn">
          <p><strong>Possible duplicate.</strong> Other contacts share this applicant's email or phone under another name:</p>
          <ul>
            {detail.duplicates.map((d) => <li key={d.contactId}><a href={`${ctx.basePath}/hub/people/${d.contactId}`}>{d.name}</a> (same {d.matchedOn.join(' and ')})</li>)}
          </ul>
        </div>
      )}
    </section>
  );
}

function Answers({ detail }: { detail: ApplicationDetail }) {
  return (
    <section aria-labelledby="answers-heading">
      <h2 id="answers-heading">Answers</h2>
      {detail.answers.length === 0 ? <p>The applicant answered no questions.</p> : (
        <dl>
          {detail.answers.map((q) => (
            <Fragment key={q.questionId}>
              <dt>{q.label}</dt>
              <dd class="answer">{q.answer.trim() ? q.answer : <em>No answer</em>}</dd>
            </Fragment>
          ))}
        </dl>
      )}
    </section>
  );
}

function eventTitle(e: ApplicationEvent): string {
  if (e.kind === 'note') return 'Note';
  if (e.kind === 'email') return `Emailed the applicant: ${e.text}`;
  if (e.from && e.to && e.from !== e.to) return `${applicationStatusLabel(e.from)} → ${applicationStatusLabel(e.to)}`;
  return e.to === 'interview_scheduled' ? 'Interview rescheduled' : `Status: ${applicationStatusLabel(e.to ?? 'new')}`;
}

function History({ detail }: { detail: ApplicationDetail }) {
  const { app } = detail;
  return (
    <section aria-labelledby="history-heading">
      <h2 id="history-heading">History</h2>
      <ol class="timeline">
        {detail.events.map((e) => (
          <li key={e.id} data-kind={e.kind}>
            <When at={e.at} /> <strong>{eventTitle(e)}</strong>
            {e.byName && <span> by {e.byName}</span>}
            {e.kind !== 'email' && e.text && <p class="answer">{e.text}</p>}
          </li>
        ))}
        <li data-kind="submitted"><When at={app.created_at} /> <strong>Application submitted</strong></li>
      </ol>
    </section>
  );
}

function CompletionFacts({ completion: c }: { completion: Completion }) {
  const rows: [string, string][] = [
    ['Receipt number', c.receiptNumber],
    ['Adoption fee', c.method === 'waived' ? 'Waived' : `${formatMoney(c.feeCents, useRescueLocale())} (${feeMethodLabel(c.method).toLowerCase()})`],
    ['Contract', c.signedContract ? 'Signed by the adopter' : `Completed without a signed contract: ${c.overrideReason}`],
    ...(c.partnerName ? [['Adopted together with', c.partnerName] as [string, string]] : []),
  ];
  return <dl>{rows.map(([term, value]) => <Fragment key={term}><dt>{term}</dt><dd>{value}</dd></Fragment>)}</dl>;
}

function Status({ detail, timeZone }: { detail: ApplicationDetail; timeZone?: string }) {
  const { app } = detail;
  return (
    <section aria-labelledby="status-heading">
      <h2 id="status-heading">Status: {applicationStatusLabel(app.status)}</h2>
      {app.interview_at && (app.status === 'interview_scheduled' || app.status === 'approved') && <p>Interview: {formatInterviewAt(app.interview_at, timeZone)}</p>}
      {app.status === 'denied' && detail.reason && <p>Reason: {detail.reason}</p>}
      {app.completed_at && <p>Adoption completed <When at={app.completed_at} />.</p>}
      {app.status === 'approved' && detail.heldPartnerName && <p>{detail.heldPartnerName}, bonded with {app.dog_name}, is held with it: they are adopted together.</p>}
      {detail.completion && <CompletionFacts completion={detail.completion} />}
    </section>
  );
}

/** One application in the hub: status, applicant, answers, the next steps, a note form and the history. */
export function ApplicationPage(props: ApplicationPageProps) {
  const { ctx, detail } = props;
  const { app } = detail;
  return (
    <Layout ctx={ctx} title={`Application for ${app.dog_name}`}>
      <p><a href={`${ctx.basePath}/hub/applications`}>Back to the applications</a></p>
      <h1>Application for {app.dog_name}</h1>
      {props.notice && <Notice>{props.notice}</Notice>}
      {props.message && <div class="notice error" role="alert">{props.message}</div>}
      <p>For <a href={`${ctx.basePath}/hub/dogs/${app.dog_id}`}>{app.dog_name}</a>, submitted <When at={app.created_at} />.</p>
      <Status detail={detail} timeZone={ctx.locale?.timeZone} />
      {(app.status === 'approved' || app.status === 'completed') && (
        <p><a href={`${ctx.basePath}/hub/applications/${app.id}/contract`}>Adoption contract</a></p>
      )}
      <Applicant ctx={ctx} detail={detail} hidden={props.contactsHidden} />
      <Answers detail={detail} />
      <p><a href={`${ctx.basePath}/hub/applications/${app.id}/review`}>Review of the answers and interview questions</a> (advisory)</p>
      {props.canManage && <ActionsPanel ctx={ctx} detail={detail} forms={props.forms ?? {}} />}
      {props.canManage && <NoteForm ctx={ctx} detail={detail} form={props.forms?.note} />}
      <History detail={detail} />
    </Layout>
  );
}
