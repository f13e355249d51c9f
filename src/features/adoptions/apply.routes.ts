import { randomUUID } from 'node:crypto';
import { mailSenderOf } from '../../platform/http/identity.js';
import type { FastifyReply } from 'fastify';
import { h } from 'preact';
import { KonaError } from '../../platform/errors/errors.js';
import { formValues, parseForm } from '../../platform/http/forms.js';
import { renderPage } from '../../platform/http/views/layout.js';
import type { FormState } from '../../platform/http/views/forms.js';
import { getAdoptableDog } from '../dogs/dogs.public.js';
import { rescueTodayOf } from '../../platform/http/rescue-time.js';
import { selectApplicationByKey, selectReceived } from './apply.queries.js';
import { applicationSchema, applyParamsSchema, idempotencyKeySchema, receivedParamsSchema, receivedQuerySchema } from './apply.schema.js';
import { submitApplication, type ApplyDeps } from './apply.service.js';
import { ApplyPage, ReceivedPage } from './apply.views.js';
import { listQuestions, type Question } from './questions.service.js';
import { inTenantScope, type TenantRequest } from '../../platform/http/scopes.js';

const open = { config: { permission: 'public' as const } };
const notTaking = () => new KonaError('KONA_ERR_NOT_FOUND', 'This dog is not taking applications right now: it may have found a home or be on hold. Our other dogs are listed on the home page.');

/** The public application form on a dog's page, and the confirmation after it. */
export const applyRoutes = inTenantScope(async (app) => {
  const { page, ctx: appCtx } = app.kona;
  const depsOf = (request: TenantRequest): ApplyDeps => ({
    database: request.tenant.db, keyRing: appCtx.secrets.keyRing, jobs: appCtx.jobs, rescueName: request.rescueName ?? request.tenant.name, sender: mailSenderOf(request),
  });
  const dogOf = async (request: TenantRequest) => {
    const params = applyParamsSchema.safeParse(request.params);
    return params.success ? getAdoptableDog(request.tenant.db.kysely, params.data.id, rescueTodayOf(request)) : undefined;
  };
  const show = (request: TenantRequest, reply: FastifyReply, status: number, p: { dog: { id: string; name: string }; questions: Question[]; form: FormState; key: string; message?: string }) =>
    reply.code(status).header('cache-control', 'no-store').type('text/html; charset=utf-8')
      .send(renderPage(h(ApplyPage, { ctx: page(request), dog: p.dog, questions: p.questions, form: p.form, idempotencyKey: p.key, message: p.message })));
  const confirm = (request: TenantRequest, reply: FastifyReply, id: string, key: string) =>
    reply.redirect(`${request.basePath}/applications/received/${id}?key=${key}`, 303);

  app.get('/dogs/:id/apply', open, async (request, reply) => {
    const dog = await dogOf(request);
    if (!dog) throw notTaking();
    const questions = await listQuestions(request.tenant.db.kysely, true);
    return show(request, reply, 200, { dog, questions, form: { values: {}, errors: {} }, key: randomUUID() });
  });

  app.post('/dogs/:id/apply', open, async (request, reply) => {
    const keyParsed = idempotencyKeySchema.safeParse(request.body ?? {});
    const key = keyParsed.success ? keyParsed.data.idempotency_key : undefined;
    const dog = await dogOf(request);
    if (!dog) {
      // The dog may have been reserved since this copy of the form was first sent.
      const earlier = key ? await selectApplicationByKey(request.tenant.db.kysely, key) : undefined;
      if (earlier) return confirm(request, reply, earlier.id, earlier.idempotency_key);
      throw notTaking();
    }
    const questions = await listQuestions(request.tenant.db.kysely, true);
    const parsed = parseForm(applicationSchema(questions), request.body);
    if (!parsed.ok) return show(request, reply, 400, { dog, questions, form: parsed.state, key: key ?? randomUUID() });
    const form = { values: formValues(request.body), errors: {} };
    if (!key) return show(request, reply, 400, { dog, questions, form, key: randomUUID(), message: 'The form was incomplete. Please check your answers and send it again.' });
    try {
      const values = parsed.data as ApplyValues;
      const { applicationId } = await submitApplication(depsOf(request), { dog, questions, values, idempotencyKey: key, clientAddress: request.ip });
      return confirm(request, reply, applicationId, key);
    } catch (err) {
      if (!(err instanceof KonaError) || err.code !== 'KONA_ERR_RATE_LIMITED') throw err;
      reply.header('retry-after', String(err.options.retryAfterSeconds ?? 3600));
      return show(request, reply, 429, { dog, questions, form, key, message: err.message });
    }
  });

  app.get('/applications/received/:id', open, async (request, reply) => {
    const params = receivedParamsSchema.safeParse(request.params);
    const query = receivedQuerySchema.safeParse(request.query);
    const row = params.success ? await selectReceived(request.tenant.db.kysely, params.data.id) : undefined;
    if (!row || !query.success || row.idempotency_key !== query.data.key) throw new KonaError('KONA_ERR_NOT_FOUND', 'There is no application at this address. Check the link, or apply again from the dog\'s page.');
    reply.header('cache-control', 'no-store');
    return reply.type('text/html; charset=utf-8').send(renderPage(h(ReceivedPage, { ctx: page(request), dog: { id: row.dog_id, name: row.dog_name } })));
  });
});

type ApplyValues = { name: string; email: string; phone: string; address: string } & Record<string, string>;
