import { Readable } from 'node:stream';
import type { Kysely } from 'kysely';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import type { Actor } from '../../platform/audit/audit.js';
import type { TenantSchema } from '../../platform/db/schema.js';
import type { BlobStore } from '../../platform/storage/index.js';
import { storeDocument } from './documents.service.js';

/** A one-page made-up visit summary, generated so the demo needs no binary files. */
async function demoVisitSummary(dogName: string, clinic: string): Promise<Buffer> {
  const pdf = await PDFDocument.create();
  const page = pdf.addPage([420, 300]);
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  const lines = [`${clinic} (demo)`, `Visit summary for ${dogName}`, 'Left ear: infection. Drops twice a day for ten days.', 'Recheck in two weeks. (Made-up demo document.)'];
  lines.forEach((line, i) => page.drawText(line, { x: 30, y: 250 - i * 24, size: 12, font }));
  return Buffer.from(await pdf.save());
}

/** Attaches a generated vet visit summary to the demo dog's latest visit, through the real service; its id (undefined without a visit). */
export async function seedDemoDocument(deps: { db: Kysely<TenantSchema>; store: BlobStore }, dogId: string, dogName: string, actor: Actor): Promise<string | undefined> {
  const visit = await deps.db.selectFrom('vet_visits').select(['id', 'clinic']).where('dog_id', '=', dogId).orderBy('visit_on', 'desc').executeTakeFirst();
  if (!visit) return undefined;
  const pdf = await demoVisitSummary(dogName, visit.clinic);
  return (await storeDocument({ ...deps, maxBytes: pdf.byteLength }, dogId, Readable.from([pdf]), { title: 'Visit summary (demo)', link: `visit:${visit.id}`, originalName: 'visit-summary.pdf' }, actor)).id;
}
