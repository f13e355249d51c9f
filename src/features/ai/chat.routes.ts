import { randomUUID } from 'node:crypto';
import { PassThrough } from 'node:stream';
import type { FastifyReply } from 'fastify';
import { h } from 'preact';
import { renderToString } from 'preact-render-to-string';
import { systemClock } from '../../platform/clock/clock.js';
import { parseForm } from '../../platform/http/forms.js';
import { actorCan, sendPage, tenantDeps } from '../../platform/http/replies.js';
import { rescueTodayOf } from '../../platform/http/rescue-time.js';
import { inTenantScope, type StaffRequest } from '../../platform/http/scopes.js';
import type { FormState } from '../../platform/http/views/forms.js';
import { dogIdOf, getDog, type DogPage } from '../dogs/dogs.public.js';
import { chatRuntimeFrom } from './ai.runtime.js';
import { askAboutDog, chatHistory, forgetChat, questionSchema, visibleSections, type ChatDeps } from './chat.service.js';
import { Answer, ChatPage } from './chat.views.js';

const view = { config: { permission: 'dogs.view' as const } };

/** One server-sent event. */
const sse = (event: string, data: unknown) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

/**
 * The chat on one dog's record: the page, a question as a plain form post (the whole answer as a
 * page), the same question streamed as server-sent events for the page's script, and forgetting.
 */
export const chatRoutes = (dogPage: DogPage) => inTenantScope(async (app) => {
  const { page, assets } = app.kona;
  const deps = (request: StaffRequest): ChatDeps => {
    const { ctx } = request.server.kona;
    return {
      ...tenantDeps(request), sources: dogPage.timeline,
      model: chatRuntimeFrom(ctx.config, ctx.inference, request.tenant.slug, ctx.clock ?? systemClock, ctx.logger.child({ component: 'ai' })),
    };
  };
  const member = (request: StaffRequest) => ({ id: request.actor.id, sections: visibleSections(actorCan(request, 'applications.view')) });
  const show = async (request: StaffRequest, reply: FastifyReply, id: string, status: number, form: FormState, notice?: string) => {
    const dog = await getDog(request.tenant.db.kysely, id);
    const messages = await chatHistory(deps(request), request.actor.id, id);
    return sendPage(reply, status, h(ChatPage, { ctx: page(request, 'hub'), dogId: id, dogName: dog.name, messages, form, notice, script: assets.url('chat.js') }));
  };

  app.get('/hub/dogs/:id/ask', view, async (request, reply) => show(request, reply, dogIdOf(request), 200, { values: {}, errors: {} }));

  app.post('/hub/dogs/:id/ask', view, async (request, reply) => {
    const id = dogIdOf(request);
    const parsed = parseForm(questionSchema, request.body);
    if (!parsed.ok) return show(request, reply, id, 400, parsed.state);
    await askAboutDog(deps(request), member(request), id, parsed.data.question, rescueTodayOf(request));
    return reply.redirect(`${request.basePath}/hub/dogs/${id}/ask#ask-heading`, 303);
  });

  // The streamed answer: `token` events while the model writes, then one `answer` event with the
  // checked answer as HTML (the page swaps it in). Refusals (404, CSRF, a bad question) come before
  // the stream starts, as ordinary responses, so the script falls back to the plain form post.
  app.post('/hub/dogs/:id/ask/stream', view, async (request, reply) => {
    const id = dogIdOf(request);
    const parsed = parseForm(questionSchema, request.body);
    if (!parsed.ok) return show(request, reply, id, 400, parsed.state);
    await getDog(request.tenant.db.kysely, id);
    const ctx = page(request, 'hub');
    // A stream as the reply body, so the app's own headers (nosniff, frame and referrer policies) still apply.
    const events = new PassThrough();
    const gone = new AbortController();
    reply.raw.on('close', () => { if (!reply.raw.writableFinished) gone.abort(); });
    void reply.code(200).type('text/event-stream; charset=utf-8').header('cache-control', 'no-store').header('x-accel-buffering', 'no').send(events);
    try {
      const answer = await askAboutDog(deps(request), member(request), id, parsed.data.question, rescueTodayOf(request), {
        onDelta: (text) => { if (!gone.signal.aborted) events.write(sse('token', { text })); },
        signal: gone.signal,
      });
      const html = renderToString(h(Answer, { ctx, dogId: id, answer, n: `s${randomUUID().slice(0, 8)}` }));
      events.end(sse('answer', { path: answer.path, html }));
    } catch (err) {
      request.log.error({ errName: (err as Error).name, code: (err as { code?: string }).code }, 'chat stream failed'); // never the message: it may quote the record
      events.end(sse('failed', { message: 'The answer could not be finished. Send the question again.' }));
    }
    return reply;
  });

  app.post('/hub/dogs/:id/ask/forget', view, async (request, reply) => {
    const id = dogIdOf(request);
    await getDog(request.tenant.db.kysely, id);
    await forgetChat(deps(request), request.actor.id, id);
    return show(request, reply, id, 200, { values: {}, errors: {} }, 'Your questions about this dog were forgotten.');
  });
});
