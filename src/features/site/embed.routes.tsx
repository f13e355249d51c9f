
import { rescueTodayOf } from '../../platform/http/rescue-time.js';
import { renderPage } from '../../platform/http/views/layout.js';
import { listAdoptableDogs } from '../dogs/dogs.public.js';
import { listingPartOf, parseEmbedQuery } from './embed.schema.js';
import { embedContentSecurityPolicy, EmbedListing, EmbedProblem } from './embed.views.js';
import { absoluteUrl, filterOf, publicCacheControl } from './site.service.js';
import { inTenantScope } from '../../platform/http/scopes.js';

/**
 * `GET /embed`: the adoptable dogs as a small page a rescue frames on its own website. The only
 * route any site may frame: it swaps the global `X-Frame-Options: DENY` for its own policy.
 */
export const embedRoutes = inTenantScope(async (app) => {
  const { ctx } = app.kona;
  app.get('/embed', {
    config: { permission: 'public' },
    // Route hooks run after the server's onSend hook, so this replaces what it set, for this route only.
    onSend: async (_request, reply, payload) => {
      reply.removeHeader('x-frame-options');
      reply.header('content-security-policy', embedContentSecurityPolicy);
      return payload;
    },
  }, async (request, reply) => {
    const parsed = parseEmbedQuery(request.query);
    if (!parsed.ok) {
      return reply.code(400).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(renderPage(<EmbedProblem problems={parsed.problems} />));
    }
    const today = rescueTodayOf(request);
    const dogs = await listAdoptableDogs(request.tenant.db.kysely, filterOf(listingPartOf(parsed.query)), today);
    const abs = (path: string) => absoluteUrl(ctx.config.publicUrl, request.basePath, path);
    reply.header('cache-control', publicCacheControl);
    return reply.type('text/html; charset=utf-8').send(renderPage(
      <EmbedListing
        rescueName={request.rescueName ?? request.tenant.name}
        dogs={dogs.slice(0, parsed.query.limit ?? dogs.length)}
        today={today}
        siteUrl={abs('/')}
        dogUrl={(id) => abs(`/dogs/${id}`)}
        photoUrl={(path) => `${request.basePath}${path}`}
      />,
    ));
  });
});
