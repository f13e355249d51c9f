import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { access, mkdir, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { composeEml, mailOptions } from './compose.js';
import type { Mailer } from './mailer.js';

/** A file the outbox wrote: `<ISO 8601 basic time>-<job id>.eml`, e.g. `20250301T101500.000Z-42.eml`. */
export const outboxFilePattern = /^(\d{8}T\d{6}\.\d{3}Z)-(\d{1,19})\.eml$/;

// Outbox folders are rescue slugs; anything else could leave the outbox directory.
const folderPattern = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/;

/** The file name of a job's message. Basic ISO format: colons are awkward in file names and copies. */
export function outboxFileName(date: Date, jobId: string): string {
  if (!/^\d{1,19}$/.test(jobId)) throw new Error('A job id is decimal digits');
  return `${date.toISOString().replace(/[-:]/g, '')}-${jobId}.eml`;
}

/** The time in an outbox file name, or undefined if the name is not one the outbox writes. */
export function outboxFileTime(file: string): Date | undefined {
  const m = outboxFilePattern.exec(file);
  if (!m) return undefined;
  const t = m[1]!;
  return new Date(`${t.slice(0, 4)}-${t.slice(4, 6)}-${t.slice(6, 8)}T${t.slice(9, 11)}:${t.slice(11, 13)}:${t.slice(13)}`);
}

/** The directory of one rescue's outbox; throws on a folder name that is not a slug. */
export function outboxFolder(outboxDir: string, folder: string): string {
  if (!folderPattern.test(folder)) throw new Error('An outbox folder is a rescue slug');
  return path.join(outboxDir, folder);
}

/** Writes `data` to `file` so a reader (or a crash) never sees half of it: temp file, fsync, rename, fsync the directory. */
async function writeAtomically(file: string, data: Buffer): Promise<void> {
  const dir = path.dirname(file);
  const temp = path.join(dir, `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const handle = await open(temp, 'wx', 0o600);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
  const dirHandle = await open(dir, 'r');
  try {
    await dirHandle.sync();
  } finally {
    await dirHandle.close();
  }
}

/**
 * The embedded default: each message becomes an .eml file under `<outboxDir>/<slug>/`, listed in
 * the hub. A retried job writes the same file name again, so nothing is doubled.
 */
export function createOutboxMailer(outboxDir: string, from: string): Mailer {
  return {
    kind: 'outbox',
    async send(message, delivery) {
      const options = mailOptions(message, from, delivery);
      const dir = outboxFolder(outboxDir, delivery.folder);
      // The files hold personal data: readable by Kona's user only.
      await mkdir(dir, { recursive: true, mode: 0o700 });
      await writeAtomically(path.join(dir, outboxFileName(delivery.date, delivery.jobId)), await composeEml(options));
      return { messageId: options.messageId! };
    },
    async health() {
      try {
        await mkdir(outboxDir, { recursive: true, mode: 0o700 });
        await access(outboxDir, constants.W_OK);
        return { ok: true, detail: 'Mail is written to the outbox in the data directory.' };
      } catch (err) {
        return { ok: false, detail: `The outbox directory cannot be written (${(err as NodeJS.ErrnoException).code ?? 'error'}).` };
      }
    },
    async close() {},
  };
}
