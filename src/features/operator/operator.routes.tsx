import type { FastifyReply, FastifyRequest } from 'fastify';
import { KonaError } from '../../platform/errors/errors.js';
import { formValues, parseForm } from '../../platform/http/forms.js';
import { clearCookie, operatorCookie, setCookie } from '../../platform/http/sessions.js';
import type { FormState } from '../../platform/http/views/forms.js';
import { renderPage } from '../../platform/http/views/layout.js';
import { consoleHome, consoleQuerySchema, operatorSignInSchema, rescueParamsSchema, safeOperatorNext } from './operator.schema.js';
import { signInOperator, signOutOperator } from './operator.service.js';
import { InferencePage, type InferenceView } from './inference.views.js';
import { OperatorSignInPage, RescuesPage } from './operator.views.js';
import { listRescues, setRescueStatus } from './rescues.service.js';
import { inOperatorScope } from '../../platform/http/scopes.js';

/** The rescue named in a console URL; a malformed slug is simply not a rescue. */
function rescueSlug(request: FastifyRequest): string {
  const parsed = rescueParamsSchema.safeParse(request.params);
  if (!parsed.success) throw new KonaError('KONA_ERR_NOT_FOUND', 'There is no rescue with that slug.');
  return parsed.data.slug;
}

/**
 * The operator console, mounted under `/operator` (so `/sign-in` here is `/operator/sign-in`):
 * sign-in and sign-out, the table of rescues, and switching a rescue off and on.
 */
export const operatorRoutes = inOperatorScope(async (app) => {
  const { ctx, page } = app.kona;
  const s = ctx.config.settings;
  const limits = { windowMinutes: s.KONA_LOGIN_WINDOW_MINUTES, maxPerAccount: s.KONA_LOGIN_MAX_PER_ACCOUNT, maxPerAddress: s.KONA_LOGIN_MAX_PER_ADDRESS };
  const deps = { control: ctx.control.kysely, keyRing: ctx.secrets.keyRing };
  const showSignIn = (request: FastifyRequest, reply: FastifyReply, status: number, form: FormState, message?: string, notice?: string) =>
    reply.code(status).type('text/html; charset=utf-8').send(renderPage(<OperatorSignInPage ctx={page(request, 'operator')} form={form} message={message} notice={notice} />));

  app.get<{ Querystring: { next?: string; signedOut?: string; reset?: string } }>('/sign-in', { config: { permission: 'public' } }, async (request, reply) => {
    if (request.actor?.kind === 'operator') return reply.redirect(consoleHome, 303);
    const notice = request.query.reset ? 'Your password was changed and you were signed out everywhere. Sign in with the new password.' : request.query.signedOut ? 'You are signed out.' : undefined;
    return showSignIn(request, reply, 200, { values: { next: request.query.next ?? '' }, errors: {} }, undefined, notice);
  });

  app.post('/sign-in', { config: { permission: 'public' } }, async (request, reply) => {
    const parsed = parseForm(operatorSignInSchema, request.body);
    if (!parsed.ok) return showSignIn(request, reply, 400, parsed.state);
    const typed = { values: formValues(request.body), errors: {} };
    try {
      const { username, password } = parsed.data;
      const previousSessionHash = request.actor?.kind === 'operator' ? request.actor.sessionHash : undefined;
      const result = await signInOperator(deps, { username, password, address: request.ip, previousSessionHash }, limits);
      if (!result.ok) return showSignIn(request, reply, 401, typed, 'That username and password do not match an active operator account.');
      setCookie(reply, operatorCookie(ctx.config), result.token);
      return reply.redirect(safeOperatorNext(parsed.data.next), 303);
    } catch (err) {
      if (err instanceof KonaError && err.code === 'KONA_ERR_RATE_LIMITED') {
        reply.header('retry-after', String(err.options.retryAfterSeconds ?? 60));
        return showSignIn(request, reply, 429, typed, err.message);
      }
      throw err;
    }
  });

  app.post('/sign-out', { config: { permission: 'operator' } }, async (request, reply) => {
    const actor = request.actor;
    await signOutOperator(ctx.control.kysely, actor.id, actor.sessionHash);
    clearCookie(reply, operatorCookie(ctx.config));
    return reply.redirect('/operator/sign-in?signedOut=1', 303);
  });

  app.get('/', { config: { permission: 'operator' } }, async (request, reply) => {
    const rescues = await listRescues(ctx);
    const changed = rescues.find((r) => r.slug === consoleQuerySchema.parse(request.query ?? {}).changed);
    return reply.type('text/html; charset=utf-8').send(renderPage(<RescuesPage ctx={page(request, 'operator')} rescues={rescues} changed={changed} />));
  });

  app.get('/inference', { config: { permission: 'operator' } }, async (request, reply) => {
    let view: InferenceView = { kind: 'off' };
    if (ctx.inference) {
      view = await ctx.inference.status(AbortSignal.timeout(3000)).then(
        (status): InferenceView => ({ kind: 'status', status }),
        (err: Error): InferenceView => ({ kind: 'unreachable', reason: err.name === 'TimeoutError' ? 'no answer within 3 seconds' : err.message }),
      );
    }
    return reply.type('text/html; charset=utf-8').send(renderPage(<InferencePage ctx={page(request, 'operator')} view={view} />));
  });

  for (const [action, status] of [['disable', 'disabled'], ['enable', 'active']] as const) {
    app.post(`/tenants/:slug/${action}`, { config: { permission: 'operator' } }, async (request, reply) => {
      const slug = rescueSlug(request);
      await setRescueStatus(ctx, slug, status, { type: 'operator', id: request.actor.id });
      return reply.redirect(`${consoleHome}?changed=${slug}`, 303);
    });
  }
});
