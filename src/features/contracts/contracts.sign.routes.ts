import type { FastifyReply, FastifyRequest } from 'fastify';
import { h } from 'preact';
import { localeOf } from '../../platform/http/rescue-time.js';
import { KonaError } from '../../platform/errors/errors.js';
import { parseForm } from '../../platform/http/forms.js';
import { emptyForm, type FormState } from '../../platform/http/views/forms.js';
import { contractDepsOf, contractStoreOf, sendPage } from './contracts.http.js';
import { signFormSchema, tokenParamsSchema } from './contracts.schema.js';
import { ClosedLinkPage, SignedPage, SignPage } from './contracts.sign.views.js';
import { closedMessage, signContract, signingState, type SigningState } from './contracts.signing.js';
import { inTenantScope } from '../../platform/http/scopes.js';

const publicRoute = { config: { permission: 'public' as const } };

const staffNotice =
  'You are signed in to the hub as staff. Only the adopter signs this contract, on their own device: staff cannot sign for them. ' +
  'If you are the adopter, sign out of the hub (or use another browser) and open the link again.';

/** The token in the URL, or undefined for anything that cannot be one. */
function tokenOf(request: FastifyRequest): string | undefined {
  const parsed = tokenParamsSchema.safeParse(request.params);
  return parsed.success ? parsed.data.token : undefined;
}

const isStaff = (request: FastifyRequest) => request.actor?.kind === 'staff';

function closed(request: FastifyRequest, reply: FastifyReply, state: Exclude<SigningState, { state: 'open' }>, status?: number) {
  return sendPage(reply, status ?? (state.state === 'unknown' ? 404 : 410), h(ClosedLinkPage, { ctx: request.server.kona.page(request), message: closedMessage(state, localeOf(request)) }));
}

/** Renders the signing page for an open contract, with the form's state. */
function signPage(request: FastifyRequest, reply: FastifyReply, status: number, open: Extract<SigningState, { state: 'open' }>, form: FormState) {
  // The link carries the token: no Referer may take it anywhere.
  reply.header('referrer-policy', 'no-referrer');
  return sendPage(reply, status, h(SignPage, {
    ctx: request.server.kona.page(request), action: `${request.basePath}/contracts/${tokenOf(request)}`, dogName: open.dogName, text: open.text,
    expiresAt: open.expiresAt, form, script: request.server.kona.assets.url('signature.js'), staffNotice: isStaff(request) ? staffNotice : undefined,
  }));
}

/** The public signing page an adopter reaches from the emailed link. */
export const contractSigningRoutes = inTenantScope(async (app) => {
  app.get('/contracts/:token', publicRoute, async (request, reply) => {
    const token = tokenOf(request);
    const state = token ? await signingState(contractDepsOf(request), token) : ({ state: 'unknown' } as const);
    if (state.state !== 'open') return closed(request, reply, state);
    return signPage(request, reply, 200, state, emptyForm);
  });

  app.post('/contracts/:token', publicRoute, async (request, reply) => {
    const token = tokenOf(request);
    const deps = contractDepsOf(request);
    const state = token ? await signingState(deps, token) : ({ state: 'unknown' } as const);
    if (state.state !== 'open') return closed(request, reply, state);
    if (isStaff(request)) throw new KonaError('KONA_ERR_FORBIDDEN', staffNotice);
    const parsed = parseForm(signFormSchema, request.body);
    if (!parsed.ok) return signPage(request, reply, 400, state, keepTyped(parsed.state));
    try {
      const signed = await signContract(deps, contractStoreOf(request), token!, parsed.data, { ipAddress: request.ip, userAgent: String(request.headers['user-agent'] ?? '').slice(0, 500) });
      return sendPage(reply, 200, h(SignedPage, { ctx: request.server.kona.page(request), dogName: signed.dogName, signedAt: signed.signedAt, textSha256: signed.textSha256 }));
    } catch (err) {
      if (!(err instanceof KonaError)) throw err;
      if (err.code === 'KONA_ERR_VALIDATION') return signPage(request, reply, 400, state, keepTyped({ values: parsed.data as never, errors: err.options.fields ?? {} }));
      if (err.code === 'KONA_ERR_CONFLICT') return sendPage(reply, 409, h(ClosedLinkPage, { ctx: request.server.kona.page(request), message: err.message }));
      throw err;
    }
  });
});

// The drawing is not sent back (the pad starts empty again); the name and the box are kept.
function keepTyped(state: FormState): FormState {
  const values = state.values as Record<string, unknown>;
  return { values: { typed_name: String(values.typed_name ?? ''), agree: values.agree === 'yes' ? 'yes' : '' }, errors: state.errors };
}
