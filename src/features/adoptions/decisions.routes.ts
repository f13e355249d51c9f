import type { FastifyReply } from 'fastify';
import { mailSenderOf } from '../../platform/http/identity.js';
import { h } from 'preact';
import { notFound } from '../../platform/errors/errors.js';
import { formValues, parseForm } from '../../platform/http/forms.js';
import { can } from '../../platform/http/permissions.js';
import { contractStoreFor } from '../contracts/contracts.public.js';
import { completeAdoption } from './decisions.complete.js';
import { applicationDetail } from './decisions.detail.js';
import type { DecisionForms } from './decisions.forms.js';
import type { DecisionDeps } from './decisions.mail.js';
import { applicationParamsSchema, completeSchema, decisionSchemaFor, noteSchema } from './decisions.schema.js';
import { localeOf } from '../../platform/http/rescue-time.js';
import { addApplicationNote, decide } from './decisions.service.js';
import { ApplicationPage } from './decisions.views.js';
import { doneNotice } from './decisions.notices.js';
import { contactDetailsShown, withoutContactDetails } from '../people/people.public.js';
import { isRefusal, sendPage, staffActor } from '../../platform/http/replies.js';
import type { StaffRequest, TenantScope } from '../../platform/http/scopes.js';

/** The decisions' dependencies for this request: its rescue's database, the key ring, the jobs, the rescue's name, its signed contracts, the clock. */
export function decisionDepsOf(request: StaffRequest): DecisionDeps {
  const { ctx } = request.server.kona;
  return {
    db: request.tenant.db.kysely, ring: ctx.secrets.keyRing, jobs: ctx.jobs, rescueName: request.rescueName ?? request.tenant.name,
    contractStore: contractStoreFor(ctx.config.uploadsDir, request.tenant.slug), ...(ctx.clock ? { clock: ctx.clock } : {}),
    sender: mailSenderOf(request), timeZone: localeOf(request).timeZone, locale: localeOf(request),
  };
}

/** The application id in the URL, or a 404 (a malformed id never reaches the database). */
export function applicationIdOf(request: StaffRequest): string {
  const parsed = applicationParamsSchema.safeParse(request.params);
  if (!parsed.success) throw notFound('That application');
  return parsed.data.id;
}

const canManage = (request: StaffRequest) => request.actor?.kind === 'staff' && can(request.actor.role, 'applications.manage');

/** Renders an application's page, with a notice after a change or a rejected form's state. */
async function showApplication(request: StaffRequest, reply: FastifyReply, id: string, status: number, extra: { notice?: string; forms?: DecisionForms; message?: string } = {}) {
  const found = await applicationDetail(decisionDepsOf(request), id);
  // A viewer sees the applicant's email, phone and address only where the rescue allows it.
  const shown = await contactDetailsShown(request.tenant.db.kysely, request.actor);
  const detail = shown || !found.applicant ? found : { ...found, applicant: withoutContactDetails(found.applicant) };
  return sendPage(reply, status, h(ApplicationPage, { ctx: request.server.kona.page(request, 'hub'), detail, canManage: canManage(request), contactsHidden: !shown, ...extra }));
}

/** Runs one change: redirect with a notice, or show the page again with the form as typed and what went wrong. */
async function attempt(request: StaffRequest, reply: FastifyReply, id: string, form: keyof DecisionForms, action: () => Promise<string>) {
  let done: string;
  try {
    done = await action();
  } catch (err) {
    if (!isRefusal(err)) throw err;
    const forms = { [form]: { values: formValues(request.body), errors: err.options.fields ?? {} } };
    return showApplication(request, reply, id, err.status, { forms, message: err.message });
  }
  return reply.redirect(`${request.basePath}/hub/applications/${id}?${done}`, 303);
}

/** Which form a rejected body belonged to (the action it named, if it is one). */
function formOf(body: unknown): keyof DecisionForms {
  const action = (body as { action?: unknown } | undefined)?.action;
  return typeof action === 'string' && ['review', 'interview', 'approve', 'deny', 'withdraw', 'reopen'].includes(action) ? (action as keyof DecisionForms) : 'review';
}

/** The application page and its actions: status changes, completing the adoption, staff notes. */
export function decisionRoutes(app: TenantScope): void {
  const view = { config: { permission: 'applications.view' as const } };
  const manage = { config: { permission: 'applications.manage' as const } };

  app.get<{ Querystring: Record<string, string | undefined> }>('/hub/applications/:id', view, async (request, reply) =>
    showApplication(request, reply, applicationIdOf(request), 200, { notice: doneNotice(request.query) }));

  app.post('/hub/applications/:id/decision', manage, async (request, reply) => {
    const id = applicationIdOf(request);
    const parsed = parseForm(decisionSchemaFor(localeOf(request).timeZone), request.body);
    if (!parsed.ok) return showApplication(request, reply, id, 400, { forms: { [formOf(request.body)]: parsed.state }, message: 'Nothing was changed: see the form below.' });
    return attempt(request, reply, id, parsed.data.action, async () => {
      const result = await decide(decisionDepsOf(request), id, parsed.data, staffActor(request));
      return `done=${parsed.data.action}&mail=${result.mail}`;
    });
  });

  app.post('/hub/applications/:id/complete', manage, async (request, reply) => {
    const id = applicationIdOf(request);
    const parsed = parseForm(completeSchema, request.body);
    if (!parsed.ok) return showApplication(request, reply, id, 400, { forms: { complete: parsed.state }, message: 'The adoption was not completed: see the completion form.' });
    return attempt(request, reply, id, 'complete', async () => {
      const f = parsed.data;
      const r = await completeAdoption(decisionDepsOf(request), id, {
        expected: f.expected, feeCents: f.feeCents, feeMethod: f.fee_method, receiptNumber: f.receipt_number, overrideReason: f.contract_override ? f.override_reason : '',
        partner: f.partner, email: f.email, emailReceipt: f.email_receipt, emailOthers: f.email_others,
      }, staffActor(request));
      return `done=complete&mail=${r.mail}&receipt=${r.receipt}&closed=${r.closed}&told=${r.closedEmailed}${r.partner ? '&partner=together' : ''}`;
    });
  });

  app.post('/hub/applications/:id/notes', manage, async (request, reply) => {
    const id = applicationIdOf(request);
    const parsed = parseForm(noteSchema, request.body);
    if (!parsed.ok) return showApplication(request, reply, id, 400, { forms: { note: parsed.state }, message: 'The note was not added: see the note form.' });
    return attempt(request, reply, id, 'note', async () => {
      await addApplicationNote(decisionDepsOf(request), id, parsed.data.note, staffActor(request));
      return 'done=note';
    });
  });
}
