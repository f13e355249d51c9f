/**
 * Whether the rescue takes part in the public lost-and-found search (its dogs in care compared with
 * photos people upload). On unless an admin turns it off; its own form and route on the settings page.
 */
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { recordAudit, type Actor } from '../../platform/audit/audit.js';
import type { TenantSchema } from '../../platform/db/schema.js';
import type { StaffRequest } from '../../platform/http/scopes.js';
import type { FormState } from '../../platform/http/views/forms.js';
import { Csrf, type PageContext } from '../../platform/http/views/layout.js';

type Db = Kysely<TenantSchema>;

/** The form: one explicit choice. */
export const lostAndFoundSchema = z.object({ lost_and_found: z.enum(['yes', 'no'], { message: 'choose whether the rescue takes part' }) });

async function takesPart(db: Db): Promise<boolean> {
  return (await db.selectFrom('rescue_settings').select('lost_and_found').executeTakeFirst())?.lost_and_found ?? true;
}

/** Records the choice and audits it when it changed; returns whether it did. */
export async function setLostAndFound(db: Db, on: boolean, fallbackName: string, actor: Actor): Promise<boolean> {
  return db.transaction().execute(async (tx) => {
    if ((await takesPart(tx)) === on) return false;
    const now = new Date();
    await tx.insertInto('rescue_settings').values({ name: fallbackName, updated_at: now, lost_and_found: on })
      .onConflict((oc) => oc.column('id').doUpdateSet({ lost_and_found: on, updated_at: now })).execute();
    await recordAudit(tx, { actor, action: 'settings.lost_and_found_updated', target: { type: 'rescue_settings', id: 'rescue' }, detail: { lost_and_found: on } });
    return true;
  });
}

function LostAndFoundForm({ ctx, form }: { ctx: PageContext; form: FormState }) {
  const error = form.errors.lost_and_found;
  const chosen = form.values.lost_and_found ?? 'yes';
  return (
    <section aria-labelledby="lost-and-found-heading">
      <h2 id="lost-and-found-heading">Lost and found</h2>
      <form method="post" action={`${ctx.basePath}/hub/settings/lost-and-found`} class="stack" novalidate>
        <Csrf token={ctx.csrfToken} />
        {error && <div class="notice error" role="alert">The lost-and-found setting was not saved: {error}.</div>}
        <fieldset aria-describedby="f-lost_and_found-hint">
          <legend>Compare photos people upload on the lost-and-found pages with our dogs in care</legend>
          <p class="hint" id="f-lost_and_found-hint">Results show only a dog's name, a public photo, the rescue's name and area. On unless you choose otherwise.</p>
          {[{ value: 'yes', label: 'Take part' }, { value: 'no', label: 'Do not take part' }].map((c) => (
            <div key={c.value}>
              <input type="radio" id={`f-lost_and_found-${c.value}`} name="lost_and_found" value={c.value} checked={chosen === c.value} />{' '}
              <label for={`f-lost_and_found-${c.value}`}>{c.label}</label>
            </div>
          ))}
        </fieldset>
        <div><button type="submit">Save lost-and-found setting</button></div>
      </form>
    </section>
  );
}

/** The settings page's Lost and found section. */
export async function lostAndFoundSection(request: StaffRequest, rejected?: FormState) {
  const form = rejected ?? { values: { lost_and_found: (await takesPart(request.tenant.db.kysely)) ? 'yes' : 'no' }, errors: {} };
  return <LostAndFoundForm ctx={request.server.kona.page(request, 'hub')} form={form} />;
}

/** The notice after the form was sent (`?lostfound=saved`). */
export function lostAndFoundNotice(query: unknown): string | undefined {
  const key = (query as { lostfound?: unknown } | undefined)?.lostfound;
  return key === 'saved' ? 'The lost-and-found setting was saved.' : key === 'unchanged' ? 'The lost-and-found setting had not changed, so nothing was saved.' : undefined;
}
