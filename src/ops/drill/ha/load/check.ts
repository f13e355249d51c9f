import pg from 'pg';
import type { CheckResult, HistoryEntry } from '../run.js';
import { findWriteIds, runTagOf } from './kinds.js';

/** Where the checker reads final state: the new primary, a replica, or a primary that was replaced. */
export interface CheckSource {
  role: 'primary' | 'replica' | 'old-primary';
  /** The database URL of one rescue on this server. */
  urlFor(tenant: string): string;
}

/**
 * A rescue's database on a server given by `--db`: `{tenant}` in the URL is replaced by the slug;
 * otherwise the database is kona_<slug>, as `kona tenants create --server-url` names it.
 */
export function tenantDatabaseUrl(serverUrl: string, tenant: string): string {
  if (serverUrl.includes('{tenant}')) return serverUrl.replaceAll('{tenant}', tenant);
  const url = new URL(serverUrl);
  url.pathname = `/kona_${tenant.replaceAll('-', '_')}`;
  return url.toString();
}

/** host:port/database of a URL: what the verdict says it read (never the password). */
function described(url: string): string {
  const u = new URL(url);
  return `${u.host}${u.pathname}`;
}

async function readIds(url: string, tags: Set<string>): Promise<string[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    await client.query('set default_transaction_read_only = on');
    return [...(await findWriteIds(client, tags)).values()].flat();
  } finally {
    await client.end();
  }
}

const uniq = (ids: string[]) => [...new Set(ids)].sort();

/**
 * Checks a run's history against the final state of every rescue's database: on the new primary
 * and each replica, lost = ok − final and unexpected = final − attempted must be empty, no id twice,
 * no id in another rescue's database; rows only on an old primary must all be indeterminate; and no
 * row of a write Kona answered `fail` (it said nothing was committed).
 */
export async function checkRun(history: HistoryEntry[], sources: CheckSource[]): Promise<CheckResult> {
  if (!sources.some((s) => s.role === 'primary')) throw new Error('The checker needs the new primary (the first --db).');
  const byId = new Map(history.map((e) => [e.id, e]));
  const tags = new Set(history.map((e) => runTagOf(e.id)));
  const tenants = uniq(history.map((e) => e.tenant));
  const result = { lost: [] as string[], unexpected: [] as string[], duplicates: [] as string[], crossTenant: [] as string[], oldPrimaryOnly: [] as string[], failedButFound: [] as string[], sources: [] as string[] };
  const onPrimary = new Map<string, Set<string>>();
  const finals: { source: CheckSource; tenant: string; ids: string[] }[] = [];
  for (const source of sources) {
    for (const tenant of tenants) {
      const url = source.urlFor(tenant);
      const ids = tags.size ? await readIds(url, tags) : [];
      result.sources.push(`${source.role} ${tenant}: ${described(url)} (${ids.length} rows of this run)`);
      finals.push({ source, tenant, ids });
      if (source.role === 'primary') onPrimary.set(tenant, new Set(ids));
    }
  }
  for (const { source, tenant, ids } of finals) {
    const seen = new Set<string>();
    for (const id of ids) {
      if (seen.has(id)) result.duplicates.push(id);
      seen.add(id);
      const entry = byId.get(id);
      if (!entry) result.unexpected.push(id);
      else if (entry.tenant !== tenant) result.crossTenant.push(id);
      else if (entry.outcome === 'fail') result.failedButFound.push(id);
    }
    if (source.role === 'old-primary') {
      for (const id of seen) if (!onPrimary.get(tenant)!.has(id) && byId.get(id)?.outcome !== 'indeterminate') result.oldPrimaryOnly.push(id);
      continue;
    }
    for (const e of history) if (e.tenant === tenant && e.outcome === 'ok' && !seen.has(e.id)) result.lost.push(e.id);
  }
  const lists = { lost: uniq(result.lost), unexpected: uniq(result.unexpected), duplicates: uniq(result.duplicates), crossTenant: uniq(result.crossTenant), oldPrimaryOnly: uniq(result.oldPrimaryOnly), failedButFound: uniq(result.failedButFound) };
  const clean = Object.values(lists).every((l) => l.length === 0);
  const count = (o: HistoryEntry['outcome']) => history.filter((e) => e.outcome === o).length;
  return { verdict: clean ? 'pass' : 'fail', attempted: history.length, ok: count('ok'), fail: count('fail'), indeterminate: count('indeterminate'), ...lists, sources: result.sources };
}
