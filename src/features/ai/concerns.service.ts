/**
 * A rescue's review concerns: list (seeded from the defaults on first read), add, edit, turn off or
 * on. Every change is audited. The review reads the active ones as the screening module's Concern.
 */
import type { Kysely } from 'kysely';
import { recordAudit, type Actor } from '../../platform/audit/audit.js';
import type { TenantSchema } from '../../platform/db/schema.js';
import { notFound } from '../../platform/errors/errors.js';
import { insertConcerns, nextConcernPosition, selectConcern, selectConcernKeys, selectConcerns, updateConcern } from './concerns.queries.js';
import type { ConcernForm } from './concerns.schema.js';
import { defaultConcerns, type Concern } from './screening/concerns.js';

type Db = Kysely<TenantSchema>;

/** One concern as the hub shows it. */
export interface StoredConcern {
  id: string;
  key: string;
  label: string;
  rules: string[];
  active: boolean;
}

/** Every concern in list order; a rescue that has none yet gets the defaults first. */
export async function listConcerns(db: Db): Promise<StoredConcern[]> {
  let rows = await selectConcerns(db);
  if (rows.length === 0) {
    await insertConcerns(db, defaultConcerns.map((c, i) => ({ key: c.id, label: c.label, rules: c.rules, position: i + 1 })));
    rows = await selectConcerns(db);
  }
  return rows.map((r) => ({ id: r.id, key: r.key, label: r.label, rules: r.rules, active: r.active }));
}

/** The active concerns as the review reads them (the key is what a flag cites). */
export async function activeConcerns(db: Db): Promise<Concern[]> {
  return (await listConcerns(db)).filter((c) => c.active).map((c) => ({ id: c.key, label: c.label, rules: c.rules }));
}

/** One concern; a 404 when there is none. */
export async function getConcern(db: Db, id: string): Promise<StoredConcern> {
  const r = await selectConcern(db, id);
  if (!r) throw notFound('That concern');
  return { id: r.id, key: r.key, label: r.label, rules: r.rules, active: r.active };
}

/** A key for a new concern from its label: lower-case words joined by hyphens, unique. */
export function keyFor(label: string, taken: ReadonlySet<string>): string {
  const base = label.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 32).replace(/-+$/, '') || 'concern';
  let key = base;
  for (let n = 2; taken.has(key); n++) key = `${base}-${n}`;
  return key;
}

/** Adds a concern at the end of the list. */
export async function addConcern(db: Db, form: ConcernForm, actor: Actor): Promise<void> {
  await listConcerns(db); // seed first, so the defaults keep their keys and places
  const key = keyFor(form.label, await selectConcernKeys(db));
  await insertConcerns(db, [{ key, label: form.label, rules: form.rules, position: await nextConcernPosition(db) }]);
  await recordAudit(db, { actor, action: 'review_concern.created', target: { type: 'review_concern', id: key }, detail: { rules: form.rules.length } });
}

/** Changes a concern's name and rules (its key stays, so older flags keep pointing at it). */
export async function editConcern(db: Db, id: string, form: ConcernForm, actor: Actor): Promise<void> {
  if (!(await updateConcern(db, id, { label: form.label, rules: form.rules }))) throw notFound('That concern');
  await recordAudit(db, { actor, action: 'review_concern.updated', target: { type: 'review_concern', id }, detail: { rules: form.rules.length } });
}

/** Turns a concern on or off. */
export async function setConcernActive(db: Db, id: string, active: boolean, actor: Actor): Promise<void> {
  if (!(await updateConcern(db, id, { active }))) throw notFound('That concern');
  await recordAudit(db, { actor, action: active ? 'review_concern.activated' : 'review_concern.deactivated', target: { type: 'review_concern', id } });
}
