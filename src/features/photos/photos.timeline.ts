import type { Kysely } from 'kysely';
import type { TenantSchema } from '../../platform/db/schema.js';
import { selectPhotos } from './photos.queries.js';

const titles = { approved: 'Photo added', pending: 'Photo uploaded, awaiting approval', rejected: 'Photo uploaded (since rejected)' } as const;

/** A dog's photo uploads as timeline entries (the timeline types live with the dogs feature). */
export async function photoTimelineEntries(db: Kysely<TenantSchema>, dogId: string) {
  return (await selectPhotos(db, dogId)).map((p) => ({
    at: p.created_at,
    dateOnly: false,
    kind: 'photo',
    title: titles[p.status],
    detail: p.alt_text || undefined,
    by: p.uploaded_by,
  }));
}
