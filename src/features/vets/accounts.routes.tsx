import type { FastifyReply, FastifyRequest } from 'fastify';
import { systemClock } from '../../platform/clock/clock.js';
import { KonaError } from '../../platform/errors/errors.js';
import { formValues, parseForm } from '../../platform/http/forms.js';
import { sendPage } from '../../platform/http/replies.js';
import { inVetScope } from '../../platform/http/scopes.js';
import { clearCookie, setCookie, vetCookie } from '../../platform/http/sessions.js';
import { emptyForm, type FormState } from '../../platform/http/views/forms.js';
import { registerSchema, safeVetNext, vetSignInSchema } from './accounts.schema.js';
import { registerVet, signInVet, signOutVet, vetAccount, type VetAccountDeps } from './accounts.service.js';
import { VetAccountPage, VetRegisterPage, VetSignInPage } from './accounts.views.js';

const accountPage = '/vet/account';

/** A refusal the person can act on, shown on the form they sent: 409 (taken) and 429 (with Retry-After). */
function refusal(err: unknown, reply: FastifyReply): KonaError | undefined {
  if (!(err instanceof KonaError) || (err.code !== 'KONA_ERR_RATE_LIMITED' && err.code !== 'KONA_ERR_CONFLICT')) return undefined;
  if (err.options.retryAfterSeconds) reply.header('retry-after', String(err.options.retryAfterSeconds));
  return err;
}

/**
 * Vet accounts, mounted under `/vet`: registration, sign-in and sign-out, and the vet's own account
 * page (which is all a vet waiting for verification can see).
 */
export const vetAccountRoutes = inVetScope(async (app) => {
  const { ctx, page } = app.kona;
  const s = ctx.config.settings;
  const limits = { windowMinutes: s.KONA_LOGIN_WINDOW_MINUTES, maxPerAccount: s.KONA_LOGIN_MAX_PER_ACCOUNT, maxPerAddress: s.KONA_LOGIN_MAX_PER_ADDRESS };
  const deps: VetAccountDeps = { control: ctx.control.kysely, keyRing: ctx.secrets.keyRing, jobs: ctx.jobs, clock: ctx.clock ?? systemClock, origin: ctx.config.publicUrl.origin };
  const previousSession = (request: FastifyRequest) => (request.actor?.kind === 'vet' ? request.actor.sessionHash : undefined);
  const showRegister = (request: FastifyRequest, reply: FastifyReply, status: number, form: FormState, message?: string) =>
    sendPage(reply, status, <VetRegisterPage ctx={page(request, 'vet')} form={form} message={message} />);
  const showSignIn = (request: FastifyRequest, reply: FastifyReply, status: number, form: FormState, message?: string, notice?: string) =>
    sendPage(reply, status, <VetSignInPage ctx={page(request, 'vet')} form={form} message={message} notice={notice} />);

  app.get('/register', { config: { permission: 'public' } }, async (request, reply) => {
    if (request.actor?.kind === 'vet') return reply.redirect(accountPage, 303);
    return showRegister(request, reply, 200, emptyForm);
  });

  app.post('/register', { config: { permission: 'public' } }, async (request, reply) => {
    const parsed = parseForm(registerSchema, request.body);
    if (!parsed.ok) return showRegister(request, reply, 400, parsed.state);
    try {
      const { token } = await registerVet(deps, { ...parsed.data, address: request.ip, previousSessionHash: previousSession(request) });
      setCookie(reply, vetCookie(ctx.config), token);
      return reply.redirect(`${accountPage}?registered=1`, 303);
    } catch (err) {
      const refused = refusal(err, reply);
      if (refused) return showRegister(request, reply, refused.status, { values: formValues(request.body), errors: {} }, refused.message);
      throw err;
    }
  });

  app.get<{ Querystring: { next?: string; signedOut?: string } }>('/sign-in', { config: { permission: 'public' } }, async (request, reply) => {
    if (request.actor?.kind === 'vet') return reply.redirect(request.actor.status === 'verified' ? '/vet' : accountPage, 303);
    const next = typeof request.query.next === 'string' ? request.query.next.slice(0, 500) : '';
    return showSignIn(request, reply, 200, { values: { next }, errors: {} }, undefined, request.query.signedOut ? 'You are signed out.' : undefined);
  });

  app.post('/sign-in', { config: { permission: 'public' } }, async (request, reply) => {
    const parsed = parseForm(vetSignInSchema, request.body);
    if (!parsed.ok) return showSignIn(request, reply, 400, parsed.state);
    const typed = { values: formValues(request.body), errors: {} };
    try {
      const { email, password } = parsed.data;
      const result = await signInVet(deps, { email, password, address: request.ip, previousSessionHash: previousSession(request) }, limits);
      if (!result.ok) return showSignIn(request, reply, 401, typed, 'That email and password do not match an active vet account.');
      setCookie(reply, vetCookie(ctx.config), result.token);
      // A vet waiting for verification has only their account page to see.
      return reply.redirect(result.status === 'verified' ? safeVetNext(parsed.data.next) : accountPage, 303);
    } catch (err) {
      const refused = refusal(err, reply);
      if (refused) return showSignIn(request, reply, refused.status, typed, refused.message);
      throw err;
    }
  });

  app.post('/sign-out', { config: { permission: 'vet' } }, async (request, reply) => {
    await signOutVet(ctx.control.kysely, request.actor.id, request.actor.sessionHash);
    clearCookie(reply, vetCookie(ctx.config));
    return reply.redirect('/vet/sign-in?signedOut=1', 303);
  });

  app.get<{ Querystring: { registered?: string } }>('/account', { config: { permission: 'vet' } }, async (request, reply) => {
    const account = await vetAccount(deps, request.actor.id);
    if (!account) throw new KonaError('KONA_ERR_UNAUTHENTICATED', 'Please sign in first; your session may have ended.');
    return sendPage(reply, 200, <VetAccountPage ctx={page(request, 'vet')} account={account} registered={request.query.registered === '1'} />);
  });
});
