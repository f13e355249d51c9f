import type { FastifyReply } from 'fastify';
import { h } from 'preact';
import { actorCan, sendPage } from '../../platform/http/replies.js';
import type { StaffRequest } from '../../platform/http/scopes.js';
import { rescueTodayOf } from '../../platform/http/rescue-time.js';
import type { MedicalForms } from './medical.panel-props.js';
import { medicalRecord } from './medical.service.js';
import { MedicalPage } from './medical.views.js';

const notices: Record<string, string> = {
  vaccination: 'The vaccination was recorded.',
  treatment: 'The treatment was recorded.',
  visit: 'The vet visit was recorded.',
  deleted: 'The entry was deleted.',
  edited: 'The entry was updated.',
  booster: 'The booster was recorded; the next dose is due as shown.',
  dose: 'The dose was recorded and the next due date moved on.',
  document: 'The document was attached.',
  'document-duplicate': 'This document was already attached to this dog; nothing new was stored.',
  'document-deleted': 'The document was deleted.',
};

/** Renders a dog's medical page, with a notice after a change or a rejected form's state. */
export async function showMedical(request: StaffRequest, reply: FastifyReply, id: string, status: number, extra: { done?: string; forms?: MedicalForms; message?: string } = {}) {
  const record = await medicalRecord(request.tenant.db.kysely, id);
  const ctx = request.server.kona.page(request, 'hub');
  const notice = extra.done ? notices[extra.done] : undefined;
  return sendPage(reply, status, h(MedicalPage, { ctx, record, canEdit: actorCan(request, 'medical.edit'), canRecord: actorCan(request, 'care.record'), today: rescueTodayOf(request), forms: extra.forms, notice, message: extra.message, documentMaxMb: request.server.kona.ctx.config.settings.KONA_DOCUMENT_MAX_MB }));
}
