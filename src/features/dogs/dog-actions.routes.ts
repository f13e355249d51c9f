import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { h } from 'preact';
import { formValues, parseForm } from '../../platform/http/forms.js';
import { mayManageFosters, mayWriteNote } from '../fosters/fosters.policy.js';
import { photosPanelPropsOf } from '../photos/photos.panel.js';
import type { UploadResult } from '../photos/photos.receive.js';
import { staffDepsOf } from '../staff/staff.deps.js';
import { bondDogs, changeDogStatus, recordWeight, unbondDog } from './dog-actions.service.js';
import type { DetailForms } from './dog-detail.panels.js';
import { dogDetail } from './dog-detail.service.js';
import { DogDetailPage } from './dog-detail.views.js';
import { actorOf, canEditDogs, canViewMedical, dogIdOf, isRefusal, sendPage } from './dogs.http.js';
import { bondSchema, statusChangeSchema, weightSchema } from './dogs.schema.js';
import { isoToday } from './dogs.values.js';

const notices: Record<string, string> = {
  created: 'The dog was added. Its history starts at intake.',
  saved: 'The changes were saved.',
  unchanged: 'Nothing had changed, so nothing was saved.',
  status: 'The status was changed and added to the history.',
  weight: 'The weight was recorded.',
  bonded: 'The two dogs are now linked as a bonded pair.',
  unbonded: 'The bonded pair was unlinked on both records.',
  'photo-approved': 'The photo was approved.',
  'photo-rejected': 'The photo was rejected; it will not appear publicly.',
  'photo-primary': 'That photo is now the primary photo.',
  'photo-moved': 'The photo was moved.',
  'photo-alt': 'The alt text was saved.',
  'photo-deleted': 'The photo was deleted.',
  fostered: 'The dog was placed in the foster home and the placement added to the history.',
  foster_ended: 'The foster placement was ended. The status stays as it is until staff change it.',
  note: 'The note was added to the timeline.',
};

/** Renders a dog's detail page, with a notice after a change or a rejected form's state. */
export async function showDog(request: FastifyRequest, reply: FastifyReply, id: string, status: number, extra: { done?: string; forms?: DetailForms; message?: string; uploadResults?: UploadResult[] } = {}) {
  const today = isoToday();
  const detail = await dogDetail(staffDepsOf(request), id, today);
  const notice = extra.done ? notices[extra.done] : undefined;
  const ctx = request.server.kona.page(request, 'hub');
  const member = request.actor?.kind === 'staff' ? request.actor : undefined;
  const canManageFosters = !!member && mayManageFosters(member);
  const canWriteNote = !!member && mayWriteNote(member, detail.foster.current?.fosterId ?? null);
  return sendPage(reply, status, h(DogDetailPage, { ctx, detail, canEdit: canEditDogs(request), canManageFosters, canWriteNote, canViewMedical: canViewMedical(request), today, forms: extra.forms, notice, message: extra.message, photos: photosPanelPropsOf(request, ctx, detail.dog, detail.photos, extra.uploadResults) }));
}

type Form = keyof DetailForms;

/** Runs one change from the detail page: redirect with a notice, or re-show the page with what went wrong. */
export async function attempt(request: FastifyRequest, reply: FastifyReply, id: string, form: Form, done: string, action: () => Promise<unknown>) {
  try {
    await action();
  } catch (err) {
    if (!isRefusal(err)) throw err;
    const forms = { [form]: { values: formValues(request.body), errors: err.options.fields ?? {} } };
    return showDog(request, reply, id, err.status, { forms, message: err.message });
  }
  return reply.redirect(`${request.basePath}/hub/dogs/${id}?done=${done}`, 303);
}

/** The detail page's changes: status, weight, bonded pair. Each needs dogs.edit. */
export function dogActionRoutes(app: FastifyInstance): void {
  const edit = { config: { permission: 'dogs.edit' as const } };
  const db = (request: FastifyRequest) => request.tenant!.db.kysely;

  app.post('/hub/dogs/:id/status', edit, async (request, reply) => {
    const id = dogIdOf(request);
    const parsed = parseForm(statusChangeSchema, request.body);
    if (!parsed.ok) return showDog(request, reply, id, 400, { forms: { status: parsed.state }, message: 'The status was not changed: see the status form.' });
    return attempt(request, reply, id, 'status', 'status', () => changeDogStatus(db(request), id, parsed.data, actorOf(request)));
  });

  app.post('/hub/dogs/:id/weights', edit, async (request, reply) => {
    const id = dogIdOf(request);
    const parsed = parseForm(weightSchema, request.body);
    if (!parsed.ok) return showDog(request, reply, id, 400, { forms: { weight: parsed.state }, message: 'The weight was not recorded: see the weight form.' });
    return attempt(request, reply, id, 'weight', 'weight', () => recordWeight(db(request), id, parsed.data, actorOf(request)));
  });

  app.post('/hub/dogs/:id/bond', edit, async (request, reply) => {
    const id = dogIdOf(request);
    const parsed = parseForm(bondSchema, request.body);
    if (!parsed.ok) return showDog(request, reply, id, 400, { forms: { bond: parsed.state }, message: 'No pair was linked: choose a dog.' });
    return attempt(request, reply, id, 'bond', 'bonded', () => bondDogs(db(request), id, parsed.data.partner, actorOf(request)));
  });

  app.post('/hub/dogs/:id/unbond', edit, async (request, reply) => {
    const id = dogIdOf(request);
    return attempt(request, reply, id, 'bond', 'unbonded', () => unbondDog(db(request), id, actorOf(request)));
  });
}
