/**
 * Reads `pgbackrest info --output=json` into what Kona shows and alerts on: per repository its
 * backups, the newest and oldest, and the span of the WAL archive; whether repo2 keeps up with
 * repo1; and the oldest point a point-in-time restore can reach.
 */
import { z } from 'zod';
import { pgbackrest, type PgBackRestSettings } from './pgbackrest.js';

const infoSchema = z.array(z.object({
  name: z.string(),
  status: z.object({ code: z.number(), message: z.string() }),
  repo: z.array(z.object({ key: z.number(), status: z.object({ code: z.number(), message: z.string() }) })).default([]),
  archive: z.array(z.object({ database: z.object({ 'repo-key': z.number() }), min: z.string().nullable(), max: z.string().nullable() })).default([]),
  backup: z.array(z.object({
    label: z.string(),
    type: z.string(),
    error: z.boolean().optional(),
    database: z.object({ 'repo-key': z.number() }),
    timestamp: z.object({ start: z.number(), stop: z.number() }),
    info: z.object({ size: z.number(), repository: z.object({ size: z.number() }) }),
  })).default([]),
}));

/** One base backup in one repository. */
export interface BaseBackupInfo {
  label: string;
  type: string;
  repo: number;
  startedAt: Date;
  stoppedAt: Date;
  /** Size of the database it holds. */
  bytes: number;
  /** Size it takes in the repository (compressed, deduplicated against its prior). */
  repoBytes: number;
}

/** One repository's state. */
export interface RepoInfo {
  repo: number;
  ok: boolean;
  message: string;
  backups: BaseBackupInfo[];
  newestBackupAt: Date | null;
  /** The newest archived WAL segment's name, and its position as a number (for comparison). */
  archiveMax: string | null;
  archiveMaxPosition: number | null;
}

/** The stanza's state across repositories. */
export interface StanzaInfo {
  stanza: string;
  ok: boolean;
  message: string;
  repos: RepoInfo[];
  /** The earliest time a point-in-time restore can reach: the oldest backup's end, any repository. */
  oldestRestorable: Date | null;
}

/** A WAL segment name's position (timeline ignored), for 16 MiB segments: log * 256 + seg. */
export function walSegmentPosition(name: string): number | null {
  if (!/^[0-9A-F]{24}$/.test(name)) return null;
  return Number.parseInt(name.slice(8, 16), 16) * 256 + Number.parseInt(name.slice(16, 24), 16);
}

/** Parses pgbackrest's JSON for one stanza. */
export function parseStanzaInfo(json: string, stanza: string): StanzaInfo {
  const parsed = infoSchema.parse(JSON.parse(json)).find((s) => s.name === stanza);
  if (!parsed) return { stanza, ok: false, message: 'stanza not found', repos: [], oldestRestorable: null };
  const backups: BaseBackupInfo[] = parsed.backup.filter((b) => !b.error).map((b) => ({
    label: b.label, type: b.type, repo: b.database['repo-key'], startedAt: new Date(b.timestamp.start * 1000), stoppedAt: new Date(b.timestamp.stop * 1000),
    bytes: b.info.size, repoBytes: b.info.repository.size,
  }));
  const repos = parsed.repo.map((r): RepoInfo => {
    const own = backups.filter((b) => b.repo === r.key);
    const archiveMax = parsed.archive.filter((a) => a.database['repo-key'] === r.key).map((a) => a.max).filter((m): m is string => !!m).sort().at(-1) ?? null;
    return {
      repo: r.key, ok: r.status.code === 0, message: r.status.message, backups: own,
      newestBackupAt: own.length ? new Date(Math.max(...own.map((b) => b.stoppedAt.getTime()))) : null,
      archiveMax, archiveMaxPosition: archiveMax ? walSegmentPosition(archiveMax) : null,
    };
  });
  const stops = backups.map((b) => b.stoppedAt.getTime());
  return { stanza, ok: parsed.status.code === 0, message: parsed.status.message, repos, oldestRestorable: stops.length ? new Date(Math.min(...stops)) : null };
}

/** `pgbackrest info` for the stanza, parsed. */
export async function stanzaInfo(s: PgBackRestSettings): Promise<StanzaInfo> {
  return parseStanzaInfo(await pgbackrest(s, 'info', ['--output=json']), s.stanza);
}

/** How far repo2 trails repo1: seconds between their newest backups, and WAL segments between their archives. */
export function repo2Lag(info: StanzaInfo): { backupSeconds: number | null; archiveSegments: number | null } {
  const [one, two] = [info.repos.find((r) => r.repo === 1), info.repos.find((r) => r.repo === 2)];
  if (!one || !two) return { backupSeconds: null, archiveSegments: null };
  const backupSeconds = one.newestBackupAt
    ? Math.max(0, (one.newestBackupAt.getTime() - (two.newestBackupAt?.getTime() ?? 0)) / 1000)
    : null;
  const archiveSegments = one.archiveMaxPosition !== null ? Math.max(0, one.archiveMaxPosition - (two.archiveMaxPosition ?? 0)) : null;
  return { backupSeconds, archiveSegments };
}
