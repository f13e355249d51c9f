import type { FastifyReply } from 'fastify';
import { h } from 'preact';
import { parseForm } from '../../platform/http/forms.js';
import { actorCan, sendPage, tenantDeps } from '../../platform/http/replies.js';
import { rescueTodayOf } from '../../platform/http/rescue-time.js';
import { inTenantScope, type StaffRequest } from '../../platform/http/scopes.js';
import type { FormState } from '../../platform/http/views/forms.js';
import { dogIdOf, getDog, type DogPage } from '../dogs/dogs.public.js';
import { askAboutDog, chatHistory, forgetChat, questionSchema, visibleSections } from './chat.service.js';
import { ChatPage } from './chat.views.js';

const view = { config: { permission: 'dogs.view' as const } };

/** The chat on one dog's record: the page, a question (a plain form post), forgetting the conversation. */
export const chatRoutes = (dogPage: DogPage) => inTenantScope(async (app) => {
  const { page } = app.kona;
  const deps = (request: StaffRequest) => ({ ...tenantDeps(request), sources: dogPage.timeline });
  const show = async (request: StaffRequest, reply: FastifyReply, id: string, status: number, form: FormState, notice?: string) => {
    const dog = await getDog(request.tenant.db.kysely, id);
    const messages = await chatHistory(deps(request), request.actor.id, id);
    return sendPage(reply, status, h(ChatPage, { ctx: page(request, 'hub'), dogId: id, dogName: dog.name, messages, form, notice }));
  };

  app.get('/hub/dogs/:id/ask', view, async (request, reply) => show(request, reply, dogIdOf(request), 200, { values: {}, errors: {} }));

  app.post('/hub/dogs/:id/ask', view, async (request, reply) => {
    const id = dogIdOf(request);
    const parsed = parseForm(questionSchema, request.body);
    if (!parsed.ok) return show(request, reply, id, 400, parsed.state);
    await askAboutDog(deps(request), { id: request.actor.id, sections: visibleSections(actorCan(request, 'applications.view')) }, id, parsed.data.question, rescueTodayOf(request));
    return reply.redirect(`${request.basePath}/hub/dogs/${id}/ask#ask-heading`, 303);
  });

  app.post('/hub/dogs/:id/ask/forget', view, async (request, reply) => {
    const id = dogIdOf(request);
    await getDog(request.tenant.db.kysely, id);
    await forgetChat(deps(request), request.actor.id, id);
    return show(request, reply, id, 200, { values: {}, errors: {} }, 'Your questions about this dog were forgotten.');
  });
});
