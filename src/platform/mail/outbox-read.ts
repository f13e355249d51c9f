import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseEml } from './eml.js';
import { outboxFilePattern, outboxFileTime, outboxFolder } from './outbox.js';

/** One message in a rescue's outbox, as the hub lists it. */
export interface OutboxEntry {
  file: string;
  /** When it was queued (from the file name). */
  time: Date;
  to: string;
  subject: string;
}

/** One message with what the hub shows of it. */
export interface OutboxMessage extends OutboxEntry {
  from: string;
  /** Where replies go; empty when the message names no Reply-To. */
  replyTo: string;
  /** The plain-text body; the HTML version is never rendered. */
  text: string;
  hasHtml: boolean;
}

async function readEntry(dir: string, file: string): Promise<OutboxMessage | undefined> {
  let raw: Buffer;
  try {
    raw = await readFile(path.join(dir, file));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const eml = await parseEml(raw);
  return { file, time: outboxFileTime(file)!, to: eml.to, subject: eml.subject, from: eml.from, replyTo: eml.replyTo, text: eml.text, hasHtml: eml.hasHtml };
}

// Times are fixed-width, so they compare as text; job ids break ties within a millisecond.
function newestFirst(a: string, b: string): number {
  const [, ta = '', ia = '0'] = outboxFilePattern.exec(a) ?? [];
  const [, tb = '', ib = '0'] = outboxFilePattern.exec(b) ?? [];
  if (ta !== tb) return ta < tb ? 1 : -1;
  return BigInt(ia) < BigInt(ib) ? 1 : BigInt(ia) > BigInt(ib) ? -1 : 0;
}

/** The newest messages in a rescue's outbox (newest first) and how many it holds. */
export async function listOutbox(outboxDir: string, folder: string, limit = 100): Promise<{ entries: OutboxEntry[]; total: number }> {
  const dir = outboxFolder(outboxDir, folder);
  let files: string[];
  try {
    files = (await readdir(dir)).filter((f) => outboxFilePattern.test(f));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { entries: [], total: 0 };
    throw err;
  }
  files.sort(newestFirst);
  const entries: OutboxEntry[] = [];
  for (const file of files.slice(0, limit)) {
    const message = await readEntry(dir, file);
    if (message) entries.push({ file: message.file, time: message.time, to: message.to, subject: message.subject });
  }
  return { entries, total: files.length };
}

/** One message of a rescue's outbox; undefined when the name is not an outbox file name or no such file exists. */
export async function readOutboxMessage(outboxDir: string, folder: string, file: string): Promise<OutboxMessage | undefined> {
  if (!outboxFilePattern.test(file)) return undefined;
  return readEntry(outboxFolder(outboxDir, folder), file);
}
