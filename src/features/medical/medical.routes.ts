import type { Kysely } from 'kysely';
import { h } from 'preact';
import type { z } from 'zod';
import type { Actor } from '../../platform/audit/audit.js';
import type { TenantSchema } from '../../platform/db/schema.js';
import { notFound } from '../../platform/errors/errors.js';
import { parseForm } from '../../platform/http/forms.js';
import { dueHorizonDays, medicalDue } from './medical.due.js';
import { rescueTodayOf } from '../../platform/http/rescue-time.js';
import { DuePage } from './medical.due.views.js';
import { entryParamsSchema, treatmentSchema, vaccinationSchema, visitSchema } from './medical.schema.js';
import { addTreatment, addVaccination, addVisit, deleteMedicalEntry, type MedicalKind } from './medical.service.js';
import { showMedical } from './medical.page.js';
import { documentRoutes, type DocumentHooks } from './documents.routes.js';
import { editRoutes } from './medical.edit.routes.js';
import { sendPage, staffActor } from '../../platform/http/replies.js';
import { careOf, dogIdOf, dogScopeOf } from '../dogs/dogs.public.js';
import { inTenantScope, type TenantScope } from '../../platform/http/scopes.js';

const view = { config: { permission: 'medical.view' as const } };
const edit = { config: { permission: 'medical.edit' as const } };

/** One add form: its URL segment, its state key, its schema and the service call it makes. */
interface AddForm<S extends z.ZodType> {
  path: string;
  kind: MedicalKind;
  what: string;
  schema: S;
  add: (db: Kysely<TenantSchema>, dogId: string, input: z.output<S>, actor: Actor) => Promise<string>;
}

// The three add forms and their delete buttons differ only in schema, service call and words.
function entryRoutes<S extends z.ZodType>(app: TenantScope, form: AddForm<S>): void {
  app.post(`/hub/dogs/:id/${form.path}`, edit, async (request, reply) => {
    const id = dogIdOf(request);
    const parsed = parseForm(form.schema, request.body);
    if (!parsed.ok) {
      return showMedical(request, reply, id, 400, { forms: { [form.kind]: parsed.state }, message: `The ${form.what} was not recorded: see the ${form.what} form.` });
    }
    await form.add(request.tenant.db.kysely, id, parsed.data, staffActor(request));
    return reply.redirect(`${request.basePath}/hub/dogs/${id}/medical?done=${form.kind}`, 303);
  });

  app.post(`/hub/dogs/:id/${form.path}/:entryId/delete`, edit, async (request, reply) => {
    const params = entryParamsSchema.safeParse(request.params);
    if (!params.success) throw notFound('That medical entry');
    const { id, entryId } = params.data;
    await deleteMedicalEntry(request.tenant.db.kysely, id, form.kind, entryId, staffActor(request));
    return reply.redirect(`${request.basePath}/hub/dogs/${id}/medical?done=deleted`, 303);
  });
}

/**
 * A dog's medical page with its add and delete forms, and the list of what is due. `hooks` are what
 * the composition root wires in from other features (reading an uploaded document).
 */
export const medicalRoutes = (hooks: DocumentHooks = {}) => inTenantScope(async (app) => {
  app.get<{ Querystring: { done?: string } }>('/hub/dogs/:id/medical', view, async (request, reply) =>
    showMedical(request, reply, dogIdOf(request), 200, { done: request.query.done }),
  );

  editRoutes(app);
  await app.fastify.register(documentRoutes(hooks));
  entryRoutes(app, { path: 'vaccinations', kind: 'vaccination', what: 'vaccination', schema: vaccinationSchema, add: addVaccination });
  entryRoutes(app, { path: 'treatments', kind: 'treatment', what: 'treatment', schema: treatmentSchema, add: addTreatment });
  entryRoutes(app, { path: 'visits', kind: 'visit', what: 'vet visit', schema: visitSchema, add: addVisit });

  app.get('/hub/medical/due', view, async (request, reply) => {
    const today = rescueTodayOf(request);
    const due = await medicalDue(request.tenant.db.kysely, today, dueHorizonDays, careOf(dogScopeOf(request.actor)));
    return sendPage(reply, 200, h(DuePage, { ctx: request.server.kona.page(request, 'hub'), due, today, horizonDays: dueHorizonDays }));
  });
});
