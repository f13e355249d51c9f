import type { FastifyReply } from 'fastify';
import type { Kysely } from 'kysely';
import { h } from 'preact';
import type { z } from 'zod';
import type { Actor } from '../../platform/audit/audit.js';
import type { TenantSchema } from '../../platform/db/schema.js';
import { notFound } from '../../platform/errors/errors.js';
import { formValues, parseForm } from '../../platform/http/forms.js';
import type { FormState } from '../../platform/http/views/forms.js';
import { getDog } from '../dogs/dogs.public.js';
import { editTreatment, editVaccination, editVisit, recordBooster, recordDose, treatmentOf, vaccinationOf, visitOf } from './medical.edit.service.js';
import { MedicalEditPage } from './medical.edit.views.js';
import { showMedical } from './medical.page.js';
import { boosterSchema, doseSchema, entryParamsSchema, treatmentSchema, vaccinationSchema, visitSchema } from './medical.schema.js';
import type { MedicalKind } from './medical.service.js';
import { isRefusal, sendPage, staffActor } from '../../platform/http/replies.js';
import type { StaffRequest, TenantScope } from '../../platform/http/scopes.js';

type Db = Kysely<TenantSchema>;
const edit = { config: { permission: 'medical.edit' as const } };
const db = (request: StaffRequest) => request.tenant.db.kysely;
const text = (v: string | number | null | undefined) => (v === null || v === undefined ? '' : String(v));

function paramsOf(request: StaffRequest): { id: string; entryId: string } {
  const params = entryParamsSchema.safeParse(request.params);
  if (!params.success) throw notFound('That medical entry');
  return params.data;
}

/** One editable kind: its URL segment, schema, how a stored row fills the form, and the service call. */
interface EditForm<S extends z.ZodType> {
  path: string;
  kind: MedicalKind;
  schema: S;
  values: (db: Db, dogId: string, id: string) => Promise<Record<string, string>>;
  save: (db: Db, dogId: string, id: string, input: z.output<S>, actor: Actor) => Promise<void>;
}

async function showEdit(request: StaffRequest, reply: FastifyReply, status: number, kind: MedicalKind, ids: { id: string; entryId: string }, form: FormState) {
  const dog = await getDog(db(request), ids.id);
  return sendPage(reply, status, h(MedicalEditPage, { ctx: request.server.kona.page(request, 'hub'), dog: { id: dog.id, name: dog.name }, kind, entryId: ids.entryId, form }));
}

function editFormRoutes<S extends z.ZodType>(app: TenantScope, form: EditForm<S>): void {
  const url = `/hub/dogs/:id/${form.path}/:entryId/edit`;
  app.get(url, edit, async (request, reply) => {
    const ids = paramsOf(request);
    return showEdit(request, reply, 200, form.kind, ids, { values: await form.values(db(request), ids.id, ids.entryId), errors: {} });
  });
  app.post(url, edit, async (request, reply) => {
    const ids = paramsOf(request);
    const parsed = parseForm(form.schema, request.body);
    if (!parsed.ok) return showEdit(request, reply, 400, form.kind, ids, parsed.state);
    await form.save(db(request), ids.id, ids.entryId, parsed.data, staffActor(request));
    return reply.redirect(`${request.basePath}/hub/dogs/${ids.id}/medical?done=edited`, 303);
  });
}

// "Record booster" and "record dose": one date in, the due date moved on, back to the medical page.
// A rejected date re-renders the page with what was typed and the error on that row's form.
function advanceRoute<S extends z.ZodType>(app: TenantScope, path: string, done: 'booster' | 'dose', schema: S, act: (request: StaffRequest, ids: { id: string; entryId: string }, input: z.output<S>) => Promise<unknown>): void {
  // A booster is a vet's entry (medical.edit); a dose given is what a carer records (care.record: fosters too, on their dogs).
  const permission = { config: { permission: done === 'dose' ? 'care.record' as const : 'medical.edit' as const } };
  app.post(`/hub/dogs/:id/${path}`, permission, async (request, reply) => {
    const ids = paramsOf(request);
    const rowDate = (form: FormState) => ({ rowDate: { id: `${done}-${ids.entryId}`, form } });
    const parsed = parseForm(schema, request.body);
    if (!parsed.ok) {
      const problems = Object.entries(parsed.state.errors).map(([k, v]) => `${k.replace('_', ' ')} ${v}`).join('; ');
      return showMedical(request, reply, ids.id, 400, { forms: rowDate(parsed.state), message: `Nothing was recorded: ${problems}.` });
    }
    try {
      await act(request, ids, parsed.data);
    } catch (err) {
      if (!isRefusal(err)) throw err;
      return showMedical(request, reply, ids.id, err.status, { forms: rowDate({ values: formValues(request.body), errors: err.options.fields ?? {} }), message: err.message });
    }
    return reply.redirect(`${request.basePath}/hub/dogs/${ids.id}/medical?done=${done}`, 303);
  });
}

/** Edit pages of vaccinations, treatments and visits, and recording a booster or a dose. */
export function editRoutes(app: TenantScope): void {
  editFormRoutes(app, {
    path: 'vaccinations', kind: 'vaccination', schema: vaccinationSchema, save: editVaccination,
    values: async (d, dogId, id) => {
      const v = await vaccinationOf(d, dogId, id);
      return { type: v.type, label: v.label, given_on: v.given_on, due_on: text(v.due_on), given_by: v.given_by, notes: v.notes };
    },
  });
  editFormRoutes(app, {
    path: 'treatments', kind: 'treatment', schema: treatmentSchema, save: editTreatment,
    values: async (d, dogId, id) => {
      const t = await treatmentOf(d, dogId, id);
      return { kind: t.kind, name: t.name, dose: t.dose, schedule: t.schedule, repeat_every: text(t.repeat_every), repeat_unit: text(t.repeat_unit), starts_on: t.starts_on, ends_on: text(t.ends_on), next_due_on: text(t.next_due_on), notes: t.notes };
    },
  });
  editFormRoutes(app, {
    path: 'visits', kind: 'visit', schema: visitSchema, save: editVisit,
    values: async (d, dogId, id) => {
      const v = await visitOf(d, dogId, id);
      return { clinic: v.clinic, visit_on: v.visit_on, reason: v.reason, outcome: v.outcome };
    },
  });
  advanceRoute(app, 'vaccinations/:entryId/booster', 'booster', boosterSchema, (r, ids, input) => recordBooster(db(r), ids.id, ids.entryId, input, staffActor(r)));
  advanceRoute(app, 'treatments/:entryId/dose', 'dose', doseSchema, (r, ids, input) => recordDose(db(r), ids.id, ids.entryId, input.given_on, staffActor(r)));
}
