import { h } from 'preact';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { newPasswordSchema } from '../../platform/auth/passwords.js';
import { systemClock } from '../../platform/clock/clock.js';
import { KonaError } from '../../platform/errors/errors.js';
import { formValues, parseForm } from '../../platform/http/forms.js';
import { sendPage } from '../../platform/http/replies.js';
import { inOperatorScope } from '../../platform/http/scopes.js';
import { emptyForm } from '../../platform/http/views/forms.js';
import { ForgotPasswordPage, ResetPasswordPage, resetRequestedNotice } from '../../platform/http/views/password-reset.js';
import { completeOperatorReset, deadOperatorResetLink, findOpenOperatorReset, requestOperatorReset, type OperatorResetDeps } from './password-reset.service.js';

const forgotSchema = z.object({ email: z.string().trim().min(1, 'is required').max(254, 'is too long') });
const tokenSchema = z.string().regex(/^[A-Za-z0-9_-]{20,128}$/);
const newPasswordForm = z
  .object({ password: newPasswordSchema, confirm: z.string() })
  .refine((v) => v.password === v.confirm, { path: ['confirm'], message: 'does not match the new password' });

const forgotAction = '/operator/forgot-password';

/** "Forgot password?" for the operator console, and the page its emailed link opens (mounted under `/operator`). */
export const operatorResetRoutes = inOperatorScope(async (app) => {
  const { ctx, page } = app.kona;
  const deps: OperatorResetDeps = {
    control: ctx.control.kysely, keyRing: ctx.secrets.keyRing, jobs: ctx.jobs, clock: ctx.clock ?? systemClock, minutes: ctx.config.settings.KONA_PASSWORD_RESET_MINUTES,
  };
  const linkFor = (token: string) => `${ctx.config.publicUrl.origin}/operator/reset-password/${token}`;

  async function openReset(request: FastifyRequest<{ Params: { token: string } }>) {
    const token = tokenSchema.safeParse(request.params.token);
    const open = token.success ? await findOpenOperatorReset(deps, token.data) : undefined;
    if (!open) throw new KonaError('KONA_ERR_NOT_FOUND', deadOperatorResetLink);
    return { token: request.params.token, username: open.username, action: `/operator/reset-password/${request.params.token}` };
  }

  app.get('/forgot-password', { config: { permission: 'public' } }, async (request, reply) =>
    sendPage(reply, 200, h(ForgotPasswordPage, { ctx: page(request, 'operator'), action: forgotAction, signInHref: '/operator/sign-in', form: emptyForm })),
  );

  app.post('/forgot-password', { config: { permission: 'public' } }, async (request, reply) => {
    const show = (status: number, form = { values: formValues(request.body), errors: {} }, message?: string, notice?: string) =>
      sendPage(reply, status, h(ForgotPasswordPage, { ctx: page(request, 'operator'), action: forgotAction, signInHref: '/operator/sign-in', form, message, notice }));
    const parsed = parseForm(forgotSchema, request.body);
    if (!parsed.ok) return show(400, parsed.state);
    try {
      await requestOperatorReset(deps, { email: parsed.data.email, address: request.ip }, linkFor);
    } catch (err) {
      if (err instanceof KonaError && err.code === 'KONA_ERR_RATE_LIMITED') {
        reply.header('retry-after', String(err.options.retryAfterSeconds ?? 60));
        return show(429, undefined, err.message);
      }
      throw err;
    }
    return show(200, emptyForm, undefined, resetRequestedNotice);
  });

  app.get<{ Params: { token: string } }>('/reset-password/:token', { config: { permission: 'public' } }, async (request, reply) => {
    const { username, action } = await openReset(request);
    return sendPage(reply, 200, h(ResetPasswordPage, { ctx: page(request, 'operator'), action, account: username, form: emptyForm }));
  });

  app.post<{ Params: { token: string } }>('/reset-password/:token', { config: { permission: 'public' } }, async (request, reply) => {
    const { token, username, action } = await openReset(request);
    const parsed = parseForm(newPasswordForm, request.body);
    if (!parsed.ok) return sendPage(reply, 400, h(ResetPasswordPage, { ctx: page(request, 'operator'), action, account: username, form: parsed.state }));
    await completeOperatorReset(deps, token, parsed.data.password);
    // As for staff: the operator signs in with the new password; the link alone grants no session.
    return reply.redirect('/operator/sign-in?reset=1', 303);
  });
});
