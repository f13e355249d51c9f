/**
 * A vet's searches: the allowance per vet, and the record of each. Searches are counted in the
 * control plane's attempts table (`login_attempts`, account key `vet-search:<vet id>`, pruned
 * daily with the sign-in attempts), so the allowance holds across web replicas and restarts, and
 * is judged by the injected clock. Each search is written to the control plane's audit log (which
 * signals, how many candidates, the microchip only as a keyed hash) and, in each rescue whose dogs
 * were shown, to that rescue's own audit log (which dogs).
 */
import type { Kysely } from 'kysely';
import { recordAudit, recordControlAudit } from '../../platform/audit/audit.js';
import { addressKey } from '../../platform/auth/login-throttle.js';
import type { KeyRing } from '../../platform/crypto/keyring.js';
import type { ControlSchema } from '../../platform/db/schema.js';
import { KonaError } from '../../platform/errors/errors.js';
import type { TenantDatabases } from '../../platform/tenancy/tenant-databases.js';
import { microchipHash } from './vets.keys.js';
import { rescueNamedByRecord } from '../../platform/tenancy/fan-out.js';

/** At most this many searches per vet in the window. */
export const vetSearchLimit = { max: 30, windowMinutes: 60 } as const;

const accountKey = (vetId: string) => `vet-search:${vetId}`;

/** Counts a search by this vet at `now`, or throws a 429 that says when to try again. */
export async function takeVetSearch(control: Kysely<ControlSchema>, ring: KeyRing, vetId: string, ip: string, now: number): Promise<void> {
  const windowMs = vetSearchLimit.windowMinutes * 60_000;
  const recent = await control.selectFrom('login_attempts').select('at').where('account_key', '=', accountKey(vetId))
    .where('at', '>', new Date(now - windowMs)).where('at', '<=', new Date(now)).orderBy('at', 'desc').limit(vetSearchLimit.max).execute();
  if (recent.length >= vetSearchLimit.max) {
    const freeAt = recent[recent.length - 1]!.at.getTime() + windowMs;
    const minutes = Math.max(1, Math.ceil((freeAt - now) / 60_000));
    throw new KonaError('KONA_ERR_RATE_LIMITED', `You have made ${vetSearchLimit.max} searches in the last hour, the most allowed. Try again in ${minutes} ${minutes === 1 ? 'minute' : 'minutes'}; what you typed is kept below.`,
      { retryAfterSeconds: Math.ceil((freeAt - now) / 1000) });
  }
  await control.insertInto('login_attempts').values({ account_key: accountKey(vetId), address_key: addressKey(ring, ip), succeeded: true, at: new Date(now) }).execute();
}

/** What a search did, for the audit logs. */
export interface SearchRecord { vetId: string; signals: string[]; chip?: string; modelId?: string; rescuesSearched: number; shown: number; byRescue: Map<string, string[]> }

/** Writes the search to the control plane's audit log and to each rescue whose dogs it showed. */
export async function recordVetSearch(deps: { control: Kysely<ControlSchema>; tenants: TenantDatabases; keyRing: KeyRing }, r: SearchRecord): Promise<void> {
  const actor = { type: 'vet' as const, id: r.vetId };
  await recordControlAudit(deps.control, { actor, action: 'vet.search', detail: {
    signals: r.signals, ...(r.chip ? { microchipHash: microchipHash(deps.keyRing, r.chip) } : {}), ...(r.modelId ? { modelId: r.modelId } : {}),
    rescuesSearched: r.rescuesSearched, candidates: r.shown, rescuesShown: [...r.byRescue.keys()],
  } });
  for (const [slug, dogIds] of r.byRescue) {
    const handle = await rescueNamedByRecord(deps.tenants, slug);
    if (handle) await recordAudit(handle.db.kysely, { actor, action: 'vet.search_shown', detail: { dogIds, signals: r.signals } });
  }
}
