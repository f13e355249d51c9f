/**
 * `kona drill restore pitr --target <time>`: restores the pgBackRest stanza into a fresh data
 * directory as it was at `target`, starts it on a private socket, and proves the copy: the marks up
 * to the target are there and none after it, a new timeline began, pg_amcheck passes, and any extra
 * checks the caller adds (the PII canary decrypts) hold. Whatever happens, the fresh directory is
 * removed: a failed restore leaves nothing half-restored behind.
 */
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { restoreToTime, type PgBackRestSettings } from '../backup/pgbackrest.js';
import { stanzaInfo } from '../backup/pgbackrest.info.js';
import { freePort, hotStandbyMinimums, startRestored, type RestoredServer } from './pg-server.js';
import { compareMarks, isoMicros, readMarks } from './pitr.marks.js';
import { DrillError, type DrillCheck } from './report.js';

/** What a PITR drill needs. */
export interface PitrDrillOptions {
  pgbackrest: PgBackRestSettings;
  target: Date;
  /** The live server (a database holding kona_pitr_marks), to compare marks with. */
  sourceUrl: string;
  /** A fresh directory is made under here for the restore, and removed after. */
  workDir: string;
  /** Which repository to restore from (default: pgBackRest's choice, repo1 first). */
  repo?: number;
  /** More checks on the restored server (e.g. the PII canary decrypts with the kept keys). */
  extraChecks?: (server: RestoredServer) => Promise<DrillCheck[]>;
}

/** The figures a PITR drill reports beside its checks. */
export interface PitrDrillResult {
  checks: DrillCheck[];
  extra: { target: string; lastMarkPresent: string | null; lastMarkId: number | null; precisionMs: number | null; timeline: number };
}

async function sourceState(url: string): Promise<{ marks: Awaited<ReturnType<typeof readMarks>>; timeline: number; settings: Record<string, string> }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const timeline = Number((await client.query('select timeline_id from pg_control_checkpoint()')).rows[0].timeline_id);
    const settings = (await client.query<{ name: string; setting: string }>('select name, setting from pg_settings where name = any($1)', [hotStandbyMinimums])).rows;
    return { marks: await readMarks(client), timeline, settings: Object.fromEntries(settings.map((r) => [r.name, r.setting])) };
  } finally {
    await client.end();
  }
}

async function checkRestored(server: RestoredServer, source: Awaited<ReturnType<typeof sourceState>>, target: Date) {
  const client = await server.connect();
  try {
    const timeline = Number((await client.query('select timeline_id from pg_control_checkpoint()')).rows[0].timeline_id);
    const { missing, afterTarget, lastPresent } = compareMarks(source.marks, await readMarks(client), target);
    const checks: DrillCheck[] = [
      { name: 'rows up to the target are present', ok: missing.length === 0, detail: missing.length ? `marks missing: ${missing.join(', ')}` : `${source.marks.filter((m) => m.us <= target.getTime() * 1000).length} marks up to the target present` },
      { name: 'rows after the target are absent', ok: afterTarget.length === 0, detail: afterTarget.length ? `marks after the target present: ${afterTarget.join(', ')}` : 'none present' },
      { name: 'a new timeline began', ok: timeline > source.timeline, detail: `timeline ${timeline} (source ${source.timeline})` },
    ];
    return { checks, timeline, lastPresent };
  } finally {
    await client.end();
  }
}

/** Runs the drill; throws a DrillError when the restore cannot be done (target too old, WAL missing). */
export async function drillPitr(o: PitrDrillOptions): Promise<PitrDrillResult> {
  const info = await stanzaInfo(o.pgbackrest);
  if (!info.oldestRestorable) throw new DrillError(`There is no base backup in stanza ${o.pgbackrest.stanza} to restore from; run \`kona backup run --layer base\` first.`, 'KONA_ERR_PITR_NO_BACKUP');
  if (o.target < info.oldestRestorable) {
    throw new DrillError(`The target ${o.target.toISOString()} is older than the oldest base backup (it ended at ${info.oldestRestorable.toISOString()}): nothing can be restored to that time. Pick a later target.`, 'KONA_ERR_PITR_TARGET_TOO_OLD');
  }
  const source = await sourceState(o.sourceUrl);
  mkdirSync(o.workDir, { recursive: true });
  const privateDir = mkdtempSync(path.join(o.workDir, 'pitr-'));
  const dataDir = path.join(privateDir, 'data');
  mkdirSync(dataDir, { mode: 0o700 });
  chmodSync(privateDir, 0o700);
  if (o.pgbackrest.runAs) for (const d of [privateDir, dataDir]) chownSync(d, o.pgbackrest.runAs.uid, o.pgbackrest.runAs.gid);
  let server: RestoredServer | undefined;
  try {
    await restoreToTime(o.pgbackrest, { pgPath: dataDir, target: o.target, repo: o.repo });
    server = await startRestored({ dataDir, privateDir, port: await freePort(), user: o.pgbackrest.pgUser, runAs: o.pgbackrest.runAs, settings: source.settings }).catch((err: Error) => {
      throw new DrillError(`The restore to ${o.target.toISOString()} did not complete: ${err.message}. The partial copy was removed.`, 'KONA_ERR_PITR_RECOVERY_FAILED');
    });
    const restored = await checkRestored(server, source, o.target);
    const amcheck = await server.amcheck().then(() => ({ ok: true, detail: 'no corruption found' }), (err: Error) => ({ ok: false, detail: err.message }));
    const extra = o.extraChecks ? await o.extraChecks(server) : [];
    return {
      checks: [...restored.checks, { name: 'pg_amcheck passes', ...amcheck }, ...extra],
      extra: {
        target: o.target.toISOString(), lastMarkPresent: restored.lastPresent ? isoMicros(restored.lastPresent.us) : null, lastMarkId: restored.lastPresent?.id ?? null,
        precisionMs: restored.lastPresent ? (o.target.getTime() * 1000 - restored.lastPresent.us) / 1000 : null, timeline: restored.timeline,
      },
    };
  } finally {
    await server?.stop();
    rmSync(privateDir, { recursive: true, force: true });
  }
}
