/**
 * The rescue's privacy choices, apart from the main settings form: for now whether viewers see
 * applicants' contact details (email, phone, address). Off until an admin allows it.
 */
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { recordAudit, type Actor } from '../../platform/audit/audit.js';
import type { TenantSchema } from '../../platform/db/schema.js';

type Db = Kysely<TenantSchema>;

/** The Privacy form: one explicit choice, so a missing answer is an error rather than "no". */
export const privacySchema = z.object({
  viewers_see_contact_details: z.enum(['yes', 'no'], { message: 'choose whether viewers see contact details' }),
});

/** Whether the rescue lets viewers see applicants' contact details (false when it never chose). */
export async function viewersSeeContactDetails(db: Db): Promise<boolean> {
  const row = await db.selectFrom('rescue_settings').select('viewers_see_contact_details').executeTakeFirst();
  return row?.viewers_see_contact_details ?? false;
}

/**
 * Records the choice and audits it when it changed; returns whether it did. A rescue without a
 * settings row gets one named `fallbackName` (the registry's name, as the settings page shows it).
 */
export async function setViewersSeeContactDetails(db: Db, allow: boolean, fallbackName: string, actor: Actor): Promise<boolean> {
  return db.transaction().execute(async (tx) => {
    if ((await viewersSeeContactDetails(tx)) === allow) return false;
    const now = new Date();
    await tx.insertInto('rescue_settings').values({ name: fallbackName, updated_at: now, viewers_see_contact_details: allow })
      .onConflict((oc) => oc.column('id').doUpdateSet({ viewers_see_contact_details: allow, updated_at: now }))
      .execute();
    await recordAudit(tx, { actor, action: 'settings.privacy_updated', target: { type: 'rescue_settings', id: 'rescue' }, detail: { viewers_see_contact_details: allow } });
    return true;
  });
}
