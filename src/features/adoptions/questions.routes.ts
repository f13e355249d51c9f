import type { FastifyReply } from 'fastify';
import { h } from 'preact';
import { KonaError, notFound } from '../../platform/errors/errors.js';
import { parseForm } from '../../platform/http/forms.js';
import { renderPage } from '../../platform/http/views/layout.js';
import type { FormState } from '../../platform/http/views/forms.js';
import { activeSchema, moveSchema, questionFormSchema, questionIdParamsSchema } from './questions.schema.js';
import { addQuestion, editQuestion, getQuestion, listQuestions, moveQuestion, setQuestionActive, type Question } from './questions.service.js';
import { QuestionEditPage, QuestionsPage } from './questions.views.js';
import { inTenantScope, type StaffRequest } from '../../platform/http/scopes.js';
import { staffActor } from '../../platform/http/replies.js';

const configure = { config: { permission: 'adoptions.configure' as const } };
const dbOf = (request: StaffRequest) => request.tenant.db.kysely;
const send = <P>(reply: FastifyReply, status: number, page: preact.VNode<P>) => reply.code(status).type('text/html; charset=utf-8').send(renderPage(page));

function idOf(request: StaffRequest): string {
  const parsed = questionIdParamsSchema.safeParse(request.params);
  if (!parsed.success) throw notFound('That question');
  return parsed.data.id;
}

const formOf = (q: Question): FormState => ({
  values: { label: q.label, kind: q.kind, choices: q.choices.join('\n'), ...(q.required ? { required: 'yes' } : {}) }, errors: {},
});

/** The admin's application questions: list, add, edit, reorder, stop or resume asking. */
export const questionsRoutes = inTenantScope(async (app) => {
  const { page } = app.kona;
  const list = async (request: StaffRequest, reply: FastifyReply, status: number, form: FormState, done?: string) =>
    send(reply, status, h(QuestionsPage, { ctx: page(request, 'hub'), questions: await listQuestions(dbOf(request)), form, done }));
  const back = (request: StaffRequest, reply: FastifyReply) => reply.redirect(`${request.basePath}/hub/adoptions/questions?done=1`, 303);

  app.get<{ Querystring: { done?: string } }>('/hub/adoptions/questions', configure, async (request, reply) =>
    list(request, reply, 200, { values: { kind: 'text' }, errors: {} }, request.query.done === '1' ? 'saved' : undefined));

  app.post('/hub/adoptions/questions', configure, async (request, reply) => {
    const parsed = parseForm(questionFormSchema, request.body);
    if (!parsed.ok) return list(request, reply, 400, parsed.state);
    await addQuestion(dbOf(request), parsed.data, staffActor(request));
    return back(request, reply);
  });

  app.get('/hub/adoptions/questions/:id/edit', configure, async (request, reply) => {
    const q = await getQuestion(dbOf(request), idOf(request));
    return send(reply, 200, h(QuestionEditPage, { ctx: page(request, 'hub'), id: q.id, form: formOf(q) }));
  });

  app.post('/hub/adoptions/questions/:id', configure, async (request, reply) => {
    const id = idOf(request);
    const parsed = parseForm(questionFormSchema, request.body);
    if (!parsed.ok) {
      await getQuestion(dbOf(request), id);
      return send(reply, 400, h(QuestionEditPage, { ctx: page(request, 'hub'), id, form: parsed.state }));
    }
    await editQuestion(dbOf(request), id, parsed.data, staffActor(request));
    return back(request, reply);
  });

  app.post('/hub/adoptions/questions/:id/move', configure, async (request, reply) => {
    const id = idOf(request);
    const parsed = parseForm(moveSchema, request.body);
    if (!parsed.ok) throw new KonaError('KONA_ERR_VALIDATION', 'Say whether to move the question up or down.');
    await moveQuestion(dbOf(request), id, parsed.data.direction, staffActor(request));
    return back(request, reply);
  });

  app.post('/hub/adoptions/questions/:id/active', configure, async (request, reply) => {
    const id = idOf(request);
    const parsed = parseForm(activeSchema, request.body);
    if (!parsed.ok) throw new KonaError('KONA_ERR_VALIDATION', 'Say whether the question should be asked (yes or no).');
    await setQuestionActive(dbOf(request), id, parsed.data.active === 'yes', staffActor(request));
    return back(request, reply);
  });
});
