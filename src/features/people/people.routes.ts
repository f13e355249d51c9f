import type { FastifyReply } from 'fastify';
import { h } from 'preact';
import { notFound } from '../../platform/errors/errors.js';
import { parseForm } from '../../platform/http/forms.js';
import { can } from '../../platform/http/permissions.js';
import { renderPage } from '../../platform/http/views/layout.js';
import type { FormState } from '../../platform/http/views/forms.js';
import { applicationsOfContact } from '../adoptions/adoptions.public.js';
import { contactFormSchema, contactIdParamsSchema, peopleListUrlSchema, peopleQuerySchema, type PeopleQuery } from './people.schema.js';
import { createContact, duplicatesOf, editContact, getContact, searchContacts, type ContactFull, type PeopleDeps } from './people.service.js';
import { ContactFormPage, ContactPage, PeopleListPage } from './people.views.js';
import { inTenantScope, type StaffRequest } from '../../platform/http/scopes.js';
import { staffActor } from '../../platform/http/replies.js';
import { contactDetailsShown, withoutContactDetails } from './people.privacy.js';

const view = { config: { permission: 'people.view' as const } };
const manage = { config: { permission: 'people.manage' as const } };

const depsOf = (request: StaffRequest): PeopleDeps => ({ db: request.tenant.db.kysely, keyRing: request.server.kona.ctx.secrets.keyRing });
const canManage = (request: StaffRequest) => request.actor?.kind === 'staff' && can(request.actor.role, 'people.manage');
const send = <P>(reply: FastifyReply, status: number, page: preact.VNode<P>) => reply.code(status).type('text/html; charset=utf-8').send(renderPage(page));

function idOf(request: StaffRequest): string {
  const parsed = contactIdParamsSchema.safeParse(request.params);
  if (!parsed.success) throw notFound('That contact');
  return parsed.data.id;
}

// formValues() keeps only strings: the ticked roles travel back as one comma-separated value.
function withRoles(state: FormState, body: unknown): FormState {
  const roles = (body as { roles?: unknown } | undefined)?.roles;
  const list = Array.isArray(roles) ? roles : typeof roles === 'string' ? [roles] : [];
  return { ...state, values: { ...state.values, roles: list.filter((r) => typeof r === 'string').join(',') } };
}

function formOf(c: ContactFull): FormState {
  const { name, email, phone, address, organisation, notes } = c;
  return { values: { name, email, phone, address, organisation, notes, roles: c.roles.join(',') }, errors: {} };
}

/** The hub's people pages: list and search, a contact's page, create and edit forms. */
export const peopleRoutes = inTenantScope(async (app) => {
  const { page } = app.kona;

  const showList = async (request: StaffRequest, reply: FastifyReply, query: PeopleQuery) => {
    const shown = await contactDetailsShown(request.tenant.db.kysely, request.actor);
    const found = await searchContacts(depsOf(request), query);
    const people = shown ? found : found.map(withoutContactDetails);
    return send(reply, 200, h(PeopleListPage, { ctx: page(request, 'hub'), form: { values: query, errors: {} }, people, canManage: canManage(request), detailsHidden: !shown }));
  };

  // The URL carries only the role filter: search text (an email, a phone) is posted below.
  app.get('/hub/people', view, async (request, reply) => showList(request, reply, { q: '', role: peopleListUrlSchema.parse(request.query ?? {}).role }));

  app.post('/hub/people/search', view, async (request, reply) => {
    const parsed = parseForm(peopleQuerySchema, request.body);
    if (parsed.ok) return showList(request, reply, parsed.data);
    const detailsHidden = !(await contactDetailsShown(request.tenant.db.kysely, request.actor));
    return send(reply, 400, h(PeopleListPage, { ctx: page(request, 'hub'), form: parsed.state, people: null, canManage: canManage(request), detailsHidden, message: 'No search was run: see the search form.' }));
  });

  app.get('/hub/people/new', manage, async (request, reply) =>
    send(reply, 200, h(ContactFormPage, { ctx: page(request, 'hub'), form: { values: {}, errors: {} } })));

  app.post('/hub/people', manage, async (request, reply) => {
    const parsed = parseForm(contactFormSchema, request.body);
    if (!parsed.ok) return send(reply, 400, h(ContactFormPage, { ctx: page(request, 'hub'), form: withRoles(parsed.state, request.body) }));
    const id = await createContact(depsOf(request), parsed.data, staffActor(request));
    return reply.redirect(`${request.basePath}/hub/people/${id}?saved=1`, 303);
  });

  app.get<{ Querystring: { saved?: string } }>('/hub/people/:id', view, async (request, reply) => {
    const deps = depsOf(request);
    const found = await getContact(deps, idOf(request));
    const shown = await contactDetailsShown(deps.db, request.actor);
    const contact = shown ? found : withoutContactDetails(found);
    const [duplicates, applications] = await Promise.all([duplicatesOf(deps, contact.id), applicationsOfContact(deps.db, deps.keyRing, contact.id)]);
    return send(reply, 200, h(ContactPage, { ctx: page(request, 'hub'), contact, duplicates, applications, canManage: canManage(request), detailsHidden: !shown, saved: request.query.saved === '1' }));
  });

  app.get('/hub/people/:id/edit', manage, async (request, reply) => {
    const contact = await getContact(depsOf(request), idOf(request));
    return send(reply, 200, h(ContactFormPage, { ctx: page(request, 'hub'), form: formOf(contact), id: contact.id }));
  });

  app.post('/hub/people/:id', manage, async (request, reply) => {
    const id = idOf(request);
    const parsed = parseForm(contactFormSchema, request.body);
    if (!parsed.ok) {
      await getContact(depsOf(request), id);
      return send(reply, 400, h(ContactFormPage, { ctx: page(request, 'hub'), form: withRoles(parsed.state, request.body), id }));
    }
    await editContact(depsOf(request), id, parsed.data, staffActor(request));
    return reply.redirect(`${request.basePath}/hub/people/${id}?saved=1`, 303);
  });
});
