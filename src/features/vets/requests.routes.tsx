import type { FastifyReply } from 'fastify';
import { h } from 'preact';
import { systemClock } from '../../platform/clock/clock.js';
import type { AppContext } from '../../platform/http/context.js';
import { parseForm } from '../../platform/http/forms.js';
import { sendPage } from '../../platform/http/replies.js';
import { inVetScope, type VetRequest } from '../../platform/http/scopes.js';
import type { FormState } from '../../platform/http/views/forms.js';
import { vetRequestRows } from './requests.lists.js';
import { requestSchema } from './requests.schema.js';
import { dogOfRef, requestAccess } from './requests.service.js';
import { RequestFormPage, VetHomePage, VetWaitingPage } from './requests.views.js';
import { assertVerifiedVet, verifyCandidateRef } from './search.ref.js';

const nowOf = (ctx: AppContext) => (ctx.clock ?? systemClock).now();
const notices: Record<string, string> = {
  sent: 'Your request was sent. The rescue\u2019s staff decide; you will get an email either way.',
  pending: 'You had already asked for this dog and the rescue has not decided yet, so that request stands.',
};

/** The vet's home (`GET /vet`) and their requests (`GET /vet/requests/new`, `POST /vet/requests`). */
export const vetRequestRoutes = inVetScope(async (app) => {
  const { ctx, page } = app.kona;
  const rescueName = async (slug: string) => (await ctx.control.kysely.selectFrom('tenants').select('name').where('slug', '=', slug).executeTakeFirst())?.name ?? slug;

  app.get<{ Querystring: { done?: string } }>('/', { config: { permission: 'vet' } }, async (request, reply) => {
    if (request.actor.status !== 'verified') return sendPage(reply, 200, h(VetWaitingPage, { ctx: page(request, 'vet') }));
    const rows = await vetRequestRows(ctx.control.kysely, ctx.tenants, request.actor.id, nowOf(ctx));
    const done = typeof request.query.done === 'string' ? notices[request.query.done] : undefined;
    return sendPage(reply.header('cache-control', 'no-store'), 200, h(VetHomePage, { ctx: page(request, 'vet'), rows, notice: done }));
  });

  const showForm = async (request: VetRequest, reply: FastifyReply, status: number, refValue: string, form: FormState, message?: string) => {
    const ref = verifyCandidateRef(ctx.secrets.sessionSecret, request.actor.id, refValue, nowOf(ctx));
    const { dog } = await dogOfRef(ctx.tenants, ref);
    return sendPage(reply.header('cache-control', 'no-store'), status, h(RequestFormPage, { ctx: page(request, 'vet'), refValue, dogName: dog.name, rescueName: await rescueName(ref.tenant), form, message }));
  };

  app.get<{ Querystring: { ref?: string } }>('/requests/new', { config: { permission: 'vet' } }, async (request, reply) => {
    assertVerifiedVet(request.actor);
    // No reference at all: a request starts from a search result.
    if (!request.query.ref) return reply.redirect('/vet/search', 303);
    return showForm(request, reply, 200, String(request.query.ref), { values: {}, errors: {} });
  });

  app.post('/requests', { config: { permission: 'vet' } }, async (request, reply) => {
    assertVerifiedVet(request.actor);
    const parsed = parseForm(requestSchema, request.body);
    if (!parsed.ok) {
      // Without a reference there is no dog to show the form for: the refusal says so in words.
      const refValue = parsed.state.values.ref;
      if (!refValue || parsed.state.errors.ref) {
        const rows = await vetRequestRows(ctx.control.kysely, ctx.tenants, request.actor.id, nowOf(ctx));
        return sendPage(reply, 400, h(VetHomePage, { ctx: page(request, 'vet'), rows, error: 'The request was not sent: it did not come from a search result. Search for the dog again and use its link.' }));
      }
      return showForm(request, reply, 400, refValue, parsed.state, 'The request was not sent: check the field marked below.');
    }
    const now = nowOf(ctx);
    const ref = verifyCandidateRef(ctx.secrets.sessionSecret, request.actor.id, parsed.data.ref, now);
    const made = await requestAccess({ control: ctx.control.kysely, tenants: ctx.tenants, keyRing: ctx.secrets.keyRing, now }, request.actor.id, ref, parsed.data.reason);
    return reply.redirect(`/vet?done=${made.created ? 'sent' : 'pending'}`, 303);
  });
});
