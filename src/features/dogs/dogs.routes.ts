import type { FastifyReply } from 'fastify';
import { h } from 'preact';
import { formValues, parseForm } from '../../platform/http/forms.js';
import type { FormState } from '../../platform/http/views/forms.js';
import { fosterHomesToChoose } from '../fosters/fosters.public.js';
import { dogActionRoutes } from './dog-actions.routes.js';
import type { DogPage } from './dog-page.js';
import { DogFormPage, dogFormValues, newDogValues } from './dog-form.views.js';
import { listDogs } from './dog-list.service.js';
import { DogListPage } from './dog-list.views.js';
import { dogFormSchema, dogIdOf, dogListQuerySchema } from './dogs.schema.js';
import { careOf, dogScopeOf } from './dogs.scope.js';
import { createDog, getDog, staffContactChoices, updateDog } from './dogs.service.js';
import { feeForNewDog, noDefaultFees, type DefaultFees, type DefaultFeesBySize } from './dogs.fees.js';
import { rescueTodayOf } from '../../platform/http/rescue-time.js';
import { actorCan, isRefusal, sendPage, staffActor, tenantDeps } from '../../platform/http/replies.js';
import { inTenantScope, type StaffRequest } from '../../platform/http/scopes.js';

const view = { config: { permission: 'dogs.view' as const } };
const edit = { config: { permission: 'dogs.edit' as const } };

async function showForm(request: StaffRequest, reply: FastifyReply, status: number, form: FormState, dog?: { id: string; name: string; whereabouts: string }, message?: string, feeDefaults?: DefaultFeesBySize) {
  const staffContacts = await staffContactChoices(tenantDeps(request));
  return sendPage(reply, status, h(DogFormPage, { ctx: request.server.kona.page(request, 'hub'), form, dog, message, staffContacts, feeDefaults }));
}

/** The hub's dog pages: list, create, detail (drawn by `dogPage`), edit; the detail page's actions live in dog-actions.routes. */
export const dogsRoutes = (dogPage: DogPage, defaultFees: DefaultFees = noDefaultFees) => inTenantScope(async (app) => {
  const { page } = app.kona;

  app.get('/hub/dogs', view, async (request, reply) => {
    const query = dogListQuerySchema.parse(request.query ?? {});
    // A foster's list is their dogs only, whatever the URL asks for; the foster filter is then moot.
    const care = careOf(dogScopeOf(request.actor));
    const result = await listDogs(tenantDeps(request), care ? { ...query, foster: care } : query, rescueTodayOf(request));
    const fosters = care ? [] : await fosterHomesToChoose(tenantDeps(request));
    return sendPage(reply, 200, h(DogListPage, { ctx: page(request, 'hub'), query, ...result, canEdit: actorCan(request, 'dogs.edit'), fosters }));
  });

  app.get('/hub/dogs/new', edit, async (request, reply) =>
    showForm(request, reply, 200, { values: newDogValues(rescueTodayOf(request)), errors: {} }, undefined, undefined, await defaultFees(request)));

  app.post('/hub/dogs', edit, async (request, reply) => {
    const parsed = parseForm(dogFormSchema, request.body);
    if (!parsed.ok) return showForm(request, reply, 400, parsed.state, undefined, undefined, await defaultFees(request));
    const fee = feeForNewDog(parsed.data.adoption_fee_cents, parsed.data.size, await defaultFees(request));
    try {
      const id = await createDog(request.tenant.db.kysely, { ...parsed.data, adoption_fee_cents: fee }, staffActor(request));
      return reply.redirect(`${request.basePath}/hub/dogs/${id}?done=created`, 303);
    } catch (err) {
      if (!isRefusal(err)) throw err;
      return showForm(request, reply, err.status, { values: formValues(request.body), errors: err.options.fields ?? {} }, undefined, err.message);
    }
  });

  app.get<{ Querystring: { done?: string } }>('/hub/dogs/:id', view, async (request, reply) => dogPage.show(request, reply, dogIdOf(request), 200, { done: request.query.done }));

  app.get('/hub/dogs/:id/edit', edit, async (request, reply) => {
    const dog = await getDog(request.tenant.db.kysely, dogIdOf(request));
    return showForm(request, reply, 200, { values: dogFormValues(dog, rescueTodayOf(request)), errors: {} }, dog);
  });

  app.post('/hub/dogs/:id', edit, async (request, reply) => {
    const id = dogIdOf(request);
    const db = request.tenant.db.kysely;
    const parsed = parseForm(dogFormSchema, request.body);
    if (!parsed.ok) return showForm(request, reply, 400, parsed.state, await getDog(db, id));
    try {
      const { changed } = await updateDog(db, id, parsed.data, staffActor(request));
      return reply.redirect(`${request.basePath}/hub/dogs/${id}?done=${changed.length ? 'saved' : 'unchanged'}`, 303);
    } catch (err) {
      if (!isRefusal(err)) throw err;
      return showForm(request, reply, err.status, { values: formValues(request.body), errors: err.options.fields ?? {} }, await getDog(db, id), err.message);
    }
  });

  dogActionRoutes(app, dogPage);
});
