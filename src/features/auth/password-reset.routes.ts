import { h } from 'preact';
import { KonaError } from '../../platform/errors/errors.js';
import { formValues, parseForm } from '../../platform/http/forms.js';
import { sendPage } from '../../platform/http/replies.js';
import { inTenantScope, type TenantRequest } from '../../platform/http/scopes.js';
import { emptyForm } from '../../platform/http/views/forms.js';
import { completePasswordReset, deadResetLink, findOpenReset, requestPasswordReset, resetDeps, resetLink } from '../staff/staff.public.js';
import { forgotPasswordSchema, resetPasswordSchema, resetTokenSchema } from './auth.schema.js';
import { ForgotPasswordPage, ResetPasswordPage, resetRequestedNotice } from '../../platform/http/views/password-reset.js';

type TokenRequest = TenantRequest<{ Params: { token: string } }>;

/** The open link behind the URL, or a 404 that says what to do. */
async function openResetOf(request: TokenRequest) {
  const token = resetTokenSchema.safeParse(request.params.token);
  const open = token.success ? await findOpenReset(resetDeps(request), token.data) : undefined;
  if (!open) throw new KonaError('KONA_ERR_NOT_FOUND', deadResetLink);
  return { token: request.params.token, email: open.email };
}

/** "Forgot password?" for a rescue's hub, and the page its emailed link opens. */
export const passwordResetRoutes = inTenantScope(async (app) => {
  const { page } = app.kona;

  app.get('/hub/forgot-password', { config: { permission: 'public' } }, async (request, reply) => {
    const base = request.basePath;
    return sendPage(reply, 200, h(ForgotPasswordPage, { ctx: page(request), action: `${base}/hub/forgot-password`, signInHref: `${base}/hub/sign-in`, form: emptyForm }));
  });

  app.post('/hub/forgot-password', { config: { permission: 'public' } }, async (request, reply) => {
    const base = request.basePath;
    const show = (status: number, form = { values: formValues(request.body), errors: {} }, message?: string, notice?: string) =>
      sendPage(reply, status, h(ForgotPasswordPage, { ctx: page(request), action: `${base}/hub/forgot-password`, signInHref: `${base}/hub/sign-in`, form, message, notice }));
    const parsed = parseForm(forgotPasswordSchema, request.body);
    if (!parsed.ok) return show(400, parsed.state);
    try {
      await requestPasswordReset(resetDeps(request), { email: parsed.data.email, address: request.ip }, (token) => resetLink(request, token));
    } catch (err) {
      if (err instanceof KonaError && err.code === 'KONA_ERR_RATE_LIMITED') {
        reply.header('retry-after', String(err.options.retryAfterSeconds ?? 60));
        return show(429, undefined, err.message);
      }
      throw err;
    }
    return show(200, emptyForm, undefined, resetRequestedNotice);
  });

  app.get<{ Params: { token: string } }>('/hub/reset-password/:token', { config: { permission: 'public' } }, async (request, reply) => {
    const { token, email } = await openResetOf(request);
    return sendPage(reply, 200, h(ResetPasswordPage, { ctx: page(request), action: `${request.basePath}/hub/reset-password/${token}`, account: email, form: emptyForm }));
  });

  app.post<{ Params: { token: string } }>('/hub/reset-password/:token', { config: { permission: 'public' } }, async (request, reply) => {
    const { token, email } = await openResetOf(request);
    const parsed = parseForm(resetPasswordSchema, request.body);
    if (!parsed.ok) return sendPage(reply, 400, h(ResetPasswordPage, { ctx: page(request), action: `${request.basePath}/hub/reset-password/${token}`, account: email, form: parsed.state }));
    await completePasswordReset(resetDeps(request), token, parsed.data.password);
    // Not signed in here: the person proves the new password once (and a password manager saves it),
    // and whoever holds only the emailed link gets no session from it.
    return reply.redirect(`${request.basePath}/hub/sign-in?reset=1`, 303);
  });
});
