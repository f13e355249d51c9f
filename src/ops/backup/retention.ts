/**
 * Which backups to keep: grandfather-father-son rules as restic and pgBackRest count them. A rule
 * `daily=7` keeps the newest backup of each of the 7 newest days that have one; `weekly=4` the
 * newest of each of the 4 newest ISO weeks; `monthly=6` of months; `last=N` the N newest. A backup
 * kept by any rule is kept, and the newest is always kept. Days, weeks and months are UTC.
 */

/** Keep counts per period; absent or 0: the period keeps nothing. */
export interface KeepRules {
  last?: number;
  daily?: number;
  weekly?: number;
  monthly?: number;
}

const periods = ['last', 'daily', 'weekly', 'monthly'] as const;

/** Parses `daily=7,weekly=4,monthly=6`; throws a message naming the bad part. */
export function parseKeepRules(text: string): KeepRules {
  const rules: KeepRules = {};
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const m = /^(last|daily|weekly|monthly)=(\d{1,4})$/.exec(part);
    if (!m) throw new Error(`"${part}" is not a keep rule: use last=N, daily=N, weekly=N or monthly=N, separated by commas`);
    rules[m[1] as (typeof periods)[number]] = Number(m[2]);
  }
  if (Object.keys(rules).length === 0) throw new Error('a keep setting needs at least one rule, e.g. daily=7');
  return rules;
}

/** The rules in the same words they are written in. */
export function formatKeepRules(rules: KeepRules): string {
  return periods.filter((p) => rules[p]).map((p) => `${p}=${rules[p]}`).join(',');
}

function isoWeek(d: Date): string {
  const t = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  const day = t.getUTCDay() || 7;
  t.setUTCDate(t.getUTCDate() + 4 - day);
  const yearStart = Date.UTC(t.getUTCFullYear(), 0, 1);
  return `${t.getUTCFullYear()}-W${Math.ceil(((t.getTime() - yearStart) / 86_400_000 + 1) / 7)}`;
}

const bucketOf: Record<Exclude<(typeof periods)[number], 'last'>, (d: Date) => string> = {
  daily: (d) => d.toISOString().slice(0, 10),
  weekly: isoWeek,
  monthly: (d) => d.toISOString().slice(0, 7),
};

/** The times among `times` the rules keep (each with the reasons), newest first; the rest may go. */
export function keptBackups(times: Date[], rules: KeepRules): Map<number, string[]> {
  const sorted = [...new Set(times.map((t) => t.getTime()))].sort((a, b) => b - a);
  const kept = new Map<number, string[]>();
  const keep = (t: number, why: string) => kept.set(t, [...(kept.get(t) ?? []), why]);
  if (sorted[0] !== undefined) keep(sorted[0], 'newest');
  sorted.slice(0, rules.last ?? 0).forEach((t) => keep(t, 'last'));
  for (const period of ['daily', 'weekly', 'monthly'] as const) {
    const limit = rules[period] ?? 0;
    const seen = new Set<string>();
    for (const t of sorted) {
      if (seen.size >= limit) break;
      const bucket = bucketOf[period](new Date(t));
      if (seen.has(bucket)) continue;
      seen.add(bucket);
      keep(t, period);
    }
  }
  return kept;
}
