import type { FastifyPluginAsync } from 'fastify';
import { Layout, renderPage } from '../../platform/http/views/layout.js';
import { listTenants } from '../../platform/tenancy/tenants.service.js';

/** A rescue's public home page. The dog listing arrives with the rescue-core work. */
export const publicSiteRoutes: FastifyPluginAsync = async (app) => {
  const { page } = app.kona;
  app.get('/', { config: { permission: 'public' } }, async (request, reply) => {
    const settings = await request.tenant!.db.kysely.selectFrom('rescue_settings').select(['name', 'tagline']).executeTakeFirst();
    const ctx = { ...page(request), rescueName: settings?.name ?? request.tenant!.name };
    reply.header('cache-control', 'public, max-age=60');
    return reply.type('text/html').send(
      renderPage(
        <Layout ctx={ctx} title="Home">
          <h1>{ctx.rescueName}</h1>
          {settings?.tagline && <p>{settings.tagline}</p>}
          <section aria-labelledby="dogs-heading">
            <h2 id="dogs-heading">Dogs looking for a home</h2>
            <p>No dogs are listed yet. Please check back soon.</p>
          </section>
          <p><a href={`${ctx.basePath}/hub`}>Staff and volunteers: sign in to the hub</a></p>
        </Layout>,
      ),
    );
  });
};

/** The landing page at / on a shared host: which rescues this Kona serves. */
export const landingRoutes: FastifyPluginAsync = async (app) => {
  const { ctx, page } = app.kona;
  app.get('/', { config: { permission: 'public' } }, async (request, reply) => {
    const tenants = (await listTenants({ control: ctx.control.kysely })).filter((t) => t.status === 'active');
    return reply.type('text/html').send(
      renderPage(
        <Layout ctx={page(request)} title="Rescues">
          <h1>Rescues on this Kona</h1>
          {tenants.length === 0 ? <p>No rescue has been set up yet.</p> : (
            <ul>{tenants.map((t) => <li key={t.slug}><a href={`/r/${t.slug}/`}>{t.name}</a></li>)}</ul>
          )}
          <p><a href="/operator">Operator console</a></p>
        </Layout>,
      ),
    );
  });
};
