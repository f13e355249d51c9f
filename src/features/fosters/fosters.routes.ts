import { h } from 'preact';
import { parseForm } from '../../platform/http/forms.js';
import { dogsInCareOf, fosterHomes } from './fosters.homes.js';
import { assignFosterSchema, endFosterSchema, noteSchema } from './fosters.schema.js';
import { assignFoster, endFosterAssignment } from './fosters.service.js';
import { FosterHomesPage, MyDogsPage } from './fosters.views.js';
import { addNote } from './notes.service.js';
import { sendPage, staffActor, tenantDeps } from '../../platform/http/replies.js';
import { dogIdOf, type DogPage } from '../dogs/dogs.public.js';
import { inTenantScope, type StaffRequest } from '../../platform/http/scopes.js';

const manage = { config: { permission: 'fosters.manage' as const } };
const write = { config: { permission: 'notes.write' as const } };

const memberOf = (request: StaffRequest) => ({ id: request.actor.id, role: request.actor.role });

/** Foster placements and notes on a dog's page, the foster homes list and a foster's "My dogs". */
export const fostersRoutes = (dogPage: DogPage) => inTenantScope(async (app) => {
  const { page } = app.kona;

  app.post('/hub/dogs/:id/foster', manage, async (request, reply) => {
    const id = dogIdOf(request);
    const parsed = parseForm(assignFosterSchema, request.body);
    if (!parsed.ok) return dogPage.show(request, reply, id, 400, { forms: { foster: parsed.state }, message: 'No foster was assigned: see the foster form.' });
    return dogPage.attempt(request, reply, id, 'foster', 'fostered', () => assignFoster(tenantDeps(request), id, parsed.data, staffActor(request)));
  });

  app.post('/hub/dogs/:id/foster/end', manage, async (request, reply) => {
    const id = dogIdOf(request);
    const parsed = parseForm(endFosterSchema, request.body);
    if (!parsed.ok) return dogPage.show(request, reply, id, 400, { forms: { fosterEnd: parsed.state }, message: 'The placement was not ended: see the end date.' });
    return dogPage.attempt(request, reply, id, 'fosterEnd', 'foster_ended', () => endFosterAssignment(request.tenant.db.kysely, id, parsed.data.ended_on, staffActor(request)));
  });

  app.post('/hub/dogs/:id/notes', write, async (request, reply) => {
    const id = dogIdOf(request);
    const parsed = parseForm(noteSchema, request.body);
    if (!parsed.ok) return dogPage.show(request, reply, id, 400, { forms: { note: parsed.state }, message: 'The note was not added: see the note form.' });
    const { body, back } = parsed.data;
    if (back === 'dog') return dogPage.attempt(request, reply, id, 'note', 'note', () => addNote(request.tenant.db.kysely, id, body, memberOf(request)));
    await addNote(request.tenant.db.kysely, id, body, memberOf(request));
    return reply.redirect(`${request.basePath}/hub/my-dogs?done=note`, 303);
  });

  app.get('/hub/fosters', manage, async (request, reply) => {
    const homes = await fosterHomes(tenantDeps(request));
    return sendPage(reply, 200, h(FosterHomesPage, { ctx: page(request, 'hub'), homes }));
  });

  app.get<{ Querystring: { done?: string } }>('/hub/my-dogs', write, async (request, reply) => {
    const dogs = await dogsInCareOf(request.tenant.db.kysely, memberOf(request).id);
    return sendPage(reply, 200, h(MyDogsPage, { ctx: page(request, 'hub'), dogs, noteAdded: request.query.done === 'note' }));
  });
});
