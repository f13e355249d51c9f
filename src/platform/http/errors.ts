import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { errorCodes, KonaError, type ErrorCode } from '../errors/errors.js';
import { Layout, renderPage, type PageContext } from './views/layout.js';
import { h } from 'preact';

/** Whether the client wants JSON (API paths or an Accept header preferring it) rather than a page. */
export function wantsJson(request: FastifyRequest): boolean {
  if (request.url.includes('/api/')) return true;
  const accept = request.headers.accept ?? '';
  return accept.includes('application/json') && !accept.includes('text/html');
}

// Fastify's own client errors (bad JSON, wrong content type, body too large) are the user's
// mistakes, not ours: map them to Kona codes with a message a person can act on.
function fromFastify(err: FastifyError): KonaError | undefined {
  if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return new KonaError('KONA_ERR_PAYLOAD_TOO_LARGE', 'The submission is larger than this form accepts.');
  if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return new KonaError('KONA_ERR_BAD_REQUEST', `Content type ${err.message.split("'")[1] ?? ''} is not accepted here; send a form or JSON.`);
  if (err.code === 'FST_ERR_VALIDATION') return new KonaError('KONA_ERR_VALIDATION', err.message);
  if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) return new KonaError('KONA_ERR_BAD_REQUEST', err.message);
  return undefined;
}

/** Sends an error as problem+json or as a page, with the request id so support can find the log line. */
export function sendError(request: FastifyRequest, reply: FastifyReply, err: KonaError, page: (r: FastifyRequest) => PageContext) {
  const code: ErrorCode = err.code;
  const title = errorCodes[code].title;
  if (err.options.retryAfterSeconds) reply.header('retry-after', String(err.options.retryAfterSeconds));
  reply.code(err.status).header('cache-control', 'no-store');
  if (wantsJson(request)) {
    return reply.type('application/problem+json').send({
      type: `https://kona.invalid/errors/${code}`,
      title,
      status: err.status,
      detail: err.message,
      code,
      requestId: request.id,
      ...(err.options.fields ? { errors: err.options.fields } : {}),
    });
  }
  const children = [
    h('h1', null, title),
    h('p', null, err.message),
    err.status >= 500 ? h('p', null, 'Reference: ', h('code', null, request.id)) : null,
    h('p', null, h('a', { href: request.basePath ? `${request.basePath}/` : '/' }, 'Go to the home page')),
  ];
  const body = h(Layout, { ctx: { ...page(request), area: 'error' }, title, children });
  return reply.type('text/html; charset=utf-8').send(renderPage(body));
}

/**
 * One error path for the whole app: KonaErrors as they are, client errors as 4xx, the rest as 500.
 * `prepare` runs first (it reads what an error page's frame needs but a route skipped, see guards.ts).
 */
export function registerErrorHandling(app: FastifyInstance, page: (r: FastifyRequest) => PageContext, prepare?: (r: FastifyRequest) => Promise<void>): void {
  app.setErrorHandler(async (error: FastifyError, request, reply) => {
    if (prepare) await prepare(request).catch(() => {});
    const known = error instanceof KonaError ? error : fromFastify(error);
    if (known?.code === 'KONA_ERR_WRITE_UNCONFIRMED') {
      // The history of writes for a drill or an audit: this one is neither ok nor failed.
      request.log.warn({ code: known.code, status: known.status, outcome: 'indeterminate' }, 'write unconfirmed: it may or may not be saved');
    } else if (known) {
      request.log.info({ code: known.code, status: known.status }, 'request refused');
    }
    if (known) {
      return sendError(request, reply, known, page);
    }
    request.log.error({ err: { type: error.name, message: error.message, stack: error.stack, code: error.code } }, 'unexpected error');
    return sendError(
      request,
      reply,
      new KonaError('KONA_ERR_INTERNAL', 'Kona could not finish this request. Nothing you typed was lost if you go back; please try again, and quote the reference below if it keeps happening.'),
      page,
    );
  });
  app.setNotFoundHandler({ preHandler: undefined }, (request, reply) =>
    sendError(request, reply, new KonaError('KONA_ERR_NOT_FOUND', 'There is no page at this address. Check the link, or start from the home page.'), page),
  );
}
