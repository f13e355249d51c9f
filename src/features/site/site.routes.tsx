import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { Layout, renderPage } from '../../platform/http/views/layout.js';
import { listTenants } from '../../platform/tenancy/tenants.service.js';
import { getAdoptableDog, listAdoptableDogs, publicDogPage, type PublicDog, type PublicDogPage } from '../dogs/dogs.public.js';
import { absoluteUrl, feedCorsHeaders, feedDog, feedPreflightHeaders, filterOf, isFiltered, listingHref, listingQueryOf, pageOf, photoPath, publicCacheControl, summary } from './site.service.js';
import { DogCards, Filters, Pager } from './site.views.js';
import { DogPage, HappyEndingPage, NotListedPage, PendingPage } from './site.dog-page.js';
import { inTenantScope, type TenantRequest } from '../../platform/http/scopes.js';
import { localeOf, rescueTodayOf } from '../../platform/http/rescue-time.js';

const dogParams = z.object({ id: z.uuid() });

/** A rescue's public site: the adoptable dogs, each dog's page and a JSON feed. */
export const publicSiteRoutes = inTenantScope(async (app) => {
  const { page, ctx: appCtx } = app.kona;
  const db = (request: TenantRequest) => request.tenant.db.kysely;
  const rescueNameOf = (request: TenantRequest) => request.rescueName ?? request.tenant.name;
  const abs = (request: TenantRequest) => (path: string) => absoluteUrl(appCtx.config.publicUrl, request.basePath, path);
  // The frame's context is built without spreading it: reading its CSRF token would set a cookie,
  // and these pages carry no form that needs one, so an edge cache can store them.
  const frame = (request: TenantRequest) => {
    const ctx = page(request);
    ctx.rescueName = rescueNameOf(request);
    return ctx;
  };

  /** The meta tags a shared link's preview is drawn from. */
  const sharingTags = (request: TenantRequest, dog: PublicDog, rescueName: string, kind: 'listed' | 'pending' | 'adopted' = 'listed') => {
    const url = abs(request);
    const description = summary(dog.description);
    const title = kind === 'listed' ? `${dog.name}, looking for a home with ${rescueName}`
      : kind === 'pending' ? `${dog.name}: adoption pending at ${rescueName}` : `${dog.name} found a home with ${rescueName}`;
    return [
      <meta key="d" name="description" content={description} />,
      <meta key="ot" property="og:title" content={title} />,
      <meta key="od" property="og:description" content={description} />,
      <meta key="oi" property="og:image" content={url(photoPath(dog.primary.sha256, 'large.jpg'))} />,
      <meta key="oa" property="og:image:alt" content={dog.primary.alt} />,
      <meta key="oy" property="og:type" content="website" />,
      <meta key="ou" property="og:url" content={url(`/dogs/${dog.id}`)} />,
      <meta key="tc" name="twitter:card" content="summary_large_image" />,
      <link key="c" rel="canonical" href={url(`/dogs/${dog.id}`)} />,
    ];
  };

  app.get('/', { config: { permission: 'public' } }, async (request, reply) => {
    // The tagline was read with the rescue's name when the tenant was resolved.
    const tagline = request.rescueTagline;
    const ctx = frame(request);
    const query = listingQueryOf(request.query);
    const filter = filterOf(query);
    const today = rescueTodayOf(request);
    // Adoptability is decided per row after the query, so a page is cut from the whole list (a
    // rescue lists tens of dogs, not thousands).
    const all = await listAdoptableDogs(db(request), filter, today);
    const { items: dogs, page: current, pages } = pageOf(all, query.page);
    const basePath = request.basePath;
    reply.header('cache-control', publicCacheControl);
    return reply.type('text/html; charset=utf-8').send(
      renderPage(
        <Layout ctx={ctx} title="Home" head={[
          <meta key="d" name="description" content={`Dogs looking for a home with ${ctx.rescueName}.`} />,
          <link key="c" rel="canonical" href={abs(request)(listingHref('', query, current))} />,
        ]}>
          <h1>{ctx.rescueName}</h1>
          {tagline && <p>{tagline}</p>}
          <section aria-labelledby="dogs-heading">
            <h2 id="dogs-heading">Dogs looking for a home</h2>
            <Filters basePath={basePath} query={query} />
            <DogCards basePath={basePath} dogs={dogs} today={today} filtered={isFiltered(query)} />
            <Pager basePath={basePath} query={query} page={current} pages={pages} total={all.length} />
          </section>
          <p><a href={`${basePath}/lost-and-found`}>Lost or found a dog? Compare a photo with our dogs</a></p>
          <p><a href={`${basePath}/dogs.json`}>These dogs as a JSON feed</a></p>
          <p><a href={`${basePath}/hub`}>Staff and volunteers: sign in to the hub</a></p>
        </Layout>,
      ),
    );
  });

  app.get('/dogs/:id', { config: { permission: 'public' } }, async (request, reply) => {
    const params = dogParams.safeParse(request.params);
    const today = rescueTodayOf(request);
    const shown: PublicDogPage = params.success ? await publicDogPage(db(request), params.data.id, today) : { kind: 'away' };
    const ctx = frame(request);
    const basePath = request.basePath;
    reply.header('cache-control', publicCacheControl).type('text/html; charset=utf-8');
    if (!('dog' in shown)) {
      // A shared link is never a bare 404: the page says the dog is not listed and links the others.
      // 410 tells search engines a dog that left the rescue is gone for good; 404 keeps it open for
      // one that may come back (on hold, medical hold) and is all an unknown id learns.
      return reply.code(shown.kind === 'gone' ? 410 : 404).send(renderPage(
        <Layout ctx={ctx} title="No longer listed" head={<meta name="robots" content="noindex" />}><NotListedPage basePath={basePath} /></Layout>,
      ));
    }
    const dog = shown.dog;
    if (shown.kind !== 'listed') {
      // 200: the page exists and says truthfully where the dog is; the link is still worth following.
      const body = shown.kind === 'pending' ? <PendingPage basePath={basePath} dog={dog} /> : <HappyEndingPage basePath={basePath} dog={dog} />;
      return reply.send(renderPage(<Layout ctx={ctx} title={shown.kind === 'pending' ? `${dog.name}: adoption pending` : `${dog.name} found a home`} head={sharingTags(request, dog, ctx.rescueName!, shown.kind)}>{body}</Layout>));
    }
    const partner = dog.bondedWith ? await getAdoptableDog(db(request), dog.bondedWith, today) : undefined;
    return reply.send(
      renderPage(
        <Layout ctx={ctx} title={dog.name} head={sharingTags(request, dog, ctx.rescueName!)}>
          <DogPage basePath={basePath} dog={dog} partner={partner} today={today} rescueName={ctx.rescueName!} />
        </Layout>,
      ),
    );
  });

  app.get('/dogs.json', { config: { permission: 'public' } }, async (request, reply) => {
    const today = rescueTodayOf(request);
    const dogs = await listAdoptableDogs(db(request), {}, today);
    reply.header('cache-control', publicCacheControl).headers(feedCorsHeaders);
    return reply.type('application/json; charset=utf-8').send({
      // The fee is a plain amount ("150.00") in this currency, for scripts to format as they like.
      rescue: { name: rescueNameOf(request), currency: localeOf(request).currency },
      dogs: dogs.map((d) => feedDog(d, today, abs(request))),
    });
  });

  // A plain GET from another site needs no preflight; one that adds a header sends this first.
  app.options('/dogs.json', { config: { permission: 'public', frame: false } }, async (_request, reply) =>
    reply.code(204).headers(feedPreflightHeaders).send());
});

/** The landing page at / on a shared host: which rescues this Kona serves. */
export const landingRoutes: FastifyPluginAsync = async (app) => {
  const { ctx, page } = app.kona;
  app.get('/', { config: { permission: 'public' } }, async (request, reply) => {
    const tenants = (await listTenants({ control: ctx.control.kysely })).filter((t) => t.status === 'active');
    return reply.type('text/html; charset=utf-8').send(
      renderPage(
        <Layout ctx={page(request)} title="Rescues">
          <h1>Rescues on this Kona</h1>
          {tenants.length === 0 ? <p>No rescue has been set up yet.</p> : (
            <ul>{tenants.map((t) => <li key={t.slug}><a href={`/r/${t.slug}/`}>{t.name}</a></li>)}</ul>
          )}
          <p><a href="/lost-and-found">Lost or found a dog? Compare a photo with every rescue's dogs</a></p>
          <p><a href="/vet/sign-in">Vets: find a rescue dog you are treating</a> (new here? <a href="/vet/register">register as a vet</a>)</p>
          <p><a href="/operator">Operator console</a></p>
        </Layout>,
      ),
    );
  });
};
