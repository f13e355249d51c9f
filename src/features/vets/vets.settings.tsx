/**
 * Whether verified vets may find this rescue's dogs in care (rescue_settings.vet_search). On unless
 * an admin turns it off; a rescue that turns it off is never searched, and links from earlier
 * searches stop working. Its own form on the hub settings page (the settings feature shows the
 * section) and its own route.
 */
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { recordAudit, type Actor } from '../../platform/audit/audit.js';
import type { TenantSchema } from '../../platform/db/schema.js';
import type { StaffRequest } from '../../platform/http/scopes.js';
import type { FormState } from '../../platform/http/views/forms.js';
import { Csrf, Layout, type PageContext } from '../../platform/http/views/layout.js';

type Db = Kysely<TenantSchema>;

/** The form: one explicit choice. */
export const vetSearchSettingSchema = z.object({ vet_search: z.enum(['yes', 'no'], { message: 'choose whether verified vets may find your dogs' }) });

async function vetSearchOn(db: Db): Promise<boolean> {
  return (await db.selectFrom('rescue_settings').select('vet_search').executeTakeFirst())?.vet_search ?? true;
}

/** Records the choice and audits it when it changed; returns whether it did. */
export async function setVetSearch(db: Db, on: boolean, fallbackName: string, actor: Actor, now: Date): Promise<boolean> {
  return db.transaction().execute(async (tx) => {
    if ((await vetSearchOn(tx)) === on) return false;
    await tx.insertInto('rescue_settings').values({ name: fallbackName, updated_at: now, vet_search: on })
      .onConflict((oc) => oc.column('id').doUpdateSet({ vet_search: on, updated_at: now })).execute();
    await recordAudit(tx, { actor, action: 'settings.vet_search_updated', target: { type: 'rescue_settings', id: 'rescue' }, detail: { vet_search: on } });
    return true;
  });
}

function VetSearchForm({ ctx, form }: { ctx: PageContext; form: FormState }) {
  const error = form.errors.vet_search;
  const chosen = form.values.vet_search ?? 'yes';
  return (
    <section aria-labelledby="vet-search-heading">
      <h2 id="vet-search-heading">Vets</h2>
      <form method="post" action={`${ctx.basePath}/hub/settings/vet-search`} class="stack" novalidate>
        <Csrf token={ctx.csrfToken} />
        {error && <div class="notice error" role="alert">The vet setting was not saved: {error}.</div>}
        <fieldset aria-describedby="f-vet_search-hint">
          <legend>Let verified vets find our dogs in care</legend>
          <p class="hint" id="f-vet_search-hint">A vet treating one of your dogs can find it by microchip, photo or breed, seeing only its name, one photo, breed, sex, age and your rescue's name and area. They see its medical record only if you approve their request. On unless you choose otherwise.</p>
          {[{ value: 'yes', label: 'Let verified vets find our dogs' }, { value: 'no', label: 'Do not let vets find our dogs' }].map((c) => (
            <div key={c.value}>
              <input type="radio" id={`f-vet_search-${c.value}`} name="vet_search" value={c.value} checked={chosen === c.value} />{' '}
              <label for={`f-vet_search-${c.value}`}>{c.label}</label>
            </div>
          ))}
        </fieldset>
        <div><button type="submit">Save vet setting</button></div>
      </form>
    </section>
  );
}

/** The settings page's Vets section (shown by the settings feature). */
export async function vetSearchSection(request: StaffRequest, rejected?: FormState) {
  const form = rejected ?? { values: { vet_search: (await vetSearchOn(request.tenant.db.kysely)) ? 'yes' : 'no' }, errors: {} };
  return <VetSearchForm ctx={request.server.kona.page(request, 'hub')} form={form} />;
}

/** The section alone, for a refused form (the settings page belongs to the settings feature). */
export function VetSearchRefusedPage({ ctx, form }: { ctx: PageContext; form: FormState }) {
  return (
    <Layout ctx={ctx} title="Vet setting">
      <h1>Vet setting</h1>
      <VetSearchForm ctx={ctx} form={form} />
      <p><a href={`${ctx.basePath}/hub/settings`}>Back to the settings</a></p>
    </Layout>
  );
}

/** The notice after the form was sent (`?vets=saved`). */
export function vetSearchNotice(query: unknown): string | undefined {
  const key = (query as { vets?: unknown } | undefined)?.vets;
  return key === 'saved' ? 'The vet setting was saved.' : key === 'unchanged' ? 'The vet setting had not changed, so nothing was saved.' : undefined;
}
