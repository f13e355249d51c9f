import type { FastifyReply } from 'fastify';
import { h } from 'preact';
import { KonaError, notFound } from '../../platform/errors/errors.js';
import { parseForm } from '../../platform/http/forms.js';
import { staffActor } from '../../platform/http/replies.js';
import { inTenantScope, type StaffRequest } from '../../platform/http/scopes.js';
import type { FormState } from '../../platform/http/views/forms.js';
import { renderPage } from '../../platform/http/views/layout.js';
import { concernActiveSchema, concernFormSchema, concernIdParamsSchema } from './concerns.schema.js';
import { addConcern, editConcern, getConcern, listConcerns, setConcernActive, type StoredConcern } from './concerns.service.js';
import { ConcernEditPage, ConcernsPage } from './concerns.views.js';

const configure = { config: { permission: 'adoptions.configure' as const } };
const dbOf = (request: StaffRequest) => request.tenant.db.kysely;
const send = <P>(reply: FastifyReply, status: number, page: preact.VNode<P>) => reply.code(status).type('text/html; charset=utf-8').send(renderPage(page));
const formOf = (c: StoredConcern): FormState => ({ values: { label: c.label, rules: c.rules.join('\n') }, errors: {} });

function idOf(request: StaffRequest): string {
  const parsed = concernIdParamsSchema.safeParse(request.params);
  if (!parsed.success) throw notFound('That concern');
  return parsed.data.id;
}

/** The admin's review concerns: list, add, edit, stop or resume using. */
export const concernsRoutes = inTenantScope(async (app) => {
  const { page } = app.kona;
  const list = async (request: StaffRequest, reply: FastifyReply, status: number, form: FormState, done = false) =>
    send(reply, status, h(ConcernsPage, { ctx: page(request, 'hub'), concerns: await listConcerns(dbOf(request)), form, done }));
  const back = (request: StaffRequest, reply: FastifyReply) => reply.redirect(`${request.basePath}/hub/adoptions/concerns?done=1`, 303);

  app.get<{ Querystring: { done?: string } }>('/hub/adoptions/concerns', configure, async (request, reply) =>
    list(request, reply, 200, { values: {}, errors: {} }, request.query.done === '1'));

  app.post('/hub/adoptions/concerns', configure, async (request, reply) => {
    const parsed = parseForm(concernFormSchema, request.body);
    if (!parsed.ok) return list(request, reply, 400, parsed.state);
    await addConcern(dbOf(request), parsed.data, staffActor(request));
    return back(request, reply);
  });

  app.get('/hub/adoptions/concerns/:id/edit', configure, async (request, reply) => {
    const c = await getConcern(dbOf(request), idOf(request));
    return send(reply, 200, h(ConcernEditPage, { ctx: page(request, 'hub'), id: c.id, form: formOf(c) }));
  });

  app.post('/hub/adoptions/concerns/:id', configure, async (request, reply) => {
    const id = idOf(request);
    const parsed = parseForm(concernFormSchema, request.body);
    if (!parsed.ok) {
      await getConcern(dbOf(request), id);
      return send(reply, 400, h(ConcernEditPage, { ctx: page(request, 'hub'), id, form: parsed.state }));
    }
    await editConcern(dbOf(request), id, parsed.data, staffActor(request));
    return back(request, reply);
  });

  app.post('/hub/adoptions/concerns/:id/active', configure, async (request, reply) => {
    const id = idOf(request);
    const parsed = parseForm(concernActiveSchema, request.body);
    if (!parsed.ok) throw new KonaError('KONA_ERR_VALIDATION', 'Say whether the concern should be used (yes or no).');
    await setConcernActive(dbOf(request), id, parsed.data.active === 'yes', staffActor(request));
    return back(request, reply);
  });
});
