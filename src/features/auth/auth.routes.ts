
import { h } from 'preact';
import { KonaError } from '../../platform/errors/errors.js';
import { formValues, parseForm } from '../../platform/http/forms.js';
import { clearCookie, setCookie, tenantCookie } from '../../platform/http/sessions.js';
import { emptyForm } from '../../platform/http/views/forms.js';
import { renderPage } from '../../platform/http/views/layout.js';
import { changePasswordSchema, safeNext, signInSchema } from './auth.schema.js';
import { changeOwnPassword, signIn, signOut } from './auth.service.js';
import { ChangePasswordPage, SignInPage } from './auth.views.js';
import { tenantDeps } from '../../platform/http/replies.js';
import { inTenantScope } from '../../platform/http/scopes.js';

/** Sign-in, sign-out and password change for a rescue's hub. */
export const authRoutes = inTenantScope(async (app) => {
  const { ctx, page } = app.kona;
  const s = ctx.config.settings;
  const limits = { windowMinutes: s.KONA_LOGIN_WINDOW_MINUTES, maxPerAccount: s.KONA_LOGIN_MAX_PER_ACCOUNT, maxPerAddress: s.KONA_LOGIN_MAX_PER_ADDRESS };

  app.get<{ Querystring: { next?: string; signedOut?: string; reset?: string } }>('/hub/sign-in', { config: { permission: 'public' } }, async (request, reply) => {
    if (request.actor?.kind === 'staff') return reply.redirect(`${request.basePath}/hub`, 303);
    const notice = request.query.reset ? 'Your password was changed and you were signed out everywhere. Sign in with the new password.' : request.query.signedOut ? 'You are signed out.' : undefined;
    return reply.type('text/html; charset=utf-8').send(renderPage(h(SignInPage, { ctx: page(request), form: { values: { next: request.query.next ?? '' }, errors: {} }, notice })));
  });

  app.post('/hub/sign-in', { config: { permission: 'public' } }, async (request, reply) => {
    const show = (status: number, form = { values: formValues(request.body), errors: {} }, message?: string) =>
      reply.code(status).type('text/html; charset=utf-8').send(renderPage(h(SignInPage, { ctx: page(request), form, message })));
    const parsed = parseForm(signInSchema, request.body);
    if (!parsed.ok) return show(400, parsed.state);
    try {
      const result = await signIn(
        tenantDeps(request),
        { email: parsed.data.email, password: parsed.data.password, address: request.ip, previousSessionHash: request.actor?.sessionHash },
        limits,
        { control: ctx.control.kysely, rescue: request.tenant.slug },
      );
      if (!result.ok) return show(401, undefined, 'That email and password do not match an active account at this rescue.');
      setCookie(reply, tenantCookie(ctx.config, request.basePath), result.token);
      return reply.redirect(safeNext(request.basePath, parsed.data.next), 303);
    } catch (err) {
      if (err instanceof KonaError && err.code === 'KONA_ERR_RATE_LIMITED') {
        reply.header('retry-after', String(err.options.retryAfterSeconds ?? 60));
        return show(429, undefined, err.message);
      }
      throw err;
    }
  });

  app.post('/hub/sign-out', { config: { permission: 'account.self' } }, async (request, reply) => {
    const actor = request.actor;
    await signOut(tenantDeps(request), actor.id, actor.sessionHash);
    clearCookie(reply, tenantCookie(ctx.config, request.basePath));
    return reply.redirect(`${request.basePath}/hub/sign-in?signedOut=1`, 303);
  });

  app.get('/hub/account/password', { config: { permission: 'account.self' } }, async (request, reply) =>
    reply.type('text/html; charset=utf-8').send(renderPage(h(ChangePasswordPage, { ctx: page(request, 'hub'), form: emptyForm }))),
  );

  app.post('/hub/account/password', { config: { permission: 'account.self' } }, async (request, reply) => {
    const parsed = parseForm(changePasswordSchema, request.body);
    const show = (status: number, form = emptyForm, message?: string, done?: boolean) =>
      reply.code(status).type('text/html; charset=utf-8').send(renderPage(h(ChangePasswordPage, { ctx: page(request, 'hub'), form, message, done })));
    if (!parsed.ok) return show(400, parsed.state);
    const result = await changeOwnPassword(tenantDeps(request), request.actor.id, parsed.data.current, parsed.data.password);
    if (!result.ok) return show(400, { values: {}, errors: { current: 'is not your current password' } });
    setCookie(reply, tenantCookie(ctx.config, request.basePath), result.token);
    return show(200, emptyForm, undefined, true);
  });
});
