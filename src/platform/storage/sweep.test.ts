import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sweepUploads } from './sweep.js';

const uploads = mkdtempSync(path.join(tmpdir(), 'kona-sweep-'));
afterAll(() => rmSync(uploads, { recursive: true, force: true }));

/** Writes a `.part` file in a store's temp folder, its mtime `ageMs` before `now`. */
function part(storeRoot: string, now: number, ageMs: number): string {
  mkdirSync(path.join(storeRoot, '.tmp'), { recursive: true });
  const file = path.join(storeRoot, '.tmp', `${randomUUID()}.part`);
  writeFileSync(file, 'partial upload');
  const at = new Date(now - ageMs);
  utimesSync(file, at, at);
  return file;
}

describe('sweepUploads', () => {
  it('removes old partial uploads from every store of every rescue (photos and documents, contracts) and keeps young ones', async () => {
    const now = Date.now();
    const hour = 60 * 60 * 1000;
    const old = [part(path.join(uploads, 'alpha'), now, 2 * hour), part(path.join(uploads, 'alpha', 'contracts'), now, 25 * hour), part(path.join(uploads, 'beta'), now, hour + 1000)];
    const young = [part(path.join(uploads, 'alpha'), now, 5 * 60 * 1000), part(path.join(uploads, 'beta', 'contracts'), now, 0)];
    // A blob fan-out folder is not a store; its files are never looked at.
    mkdirSync(path.join(uploads, 'alpha', 'ab', 'cd'), { recursive: true });
    writeFileSync(path.join(uploads, 'alpha', 'ab', 'cd', 'not-a-temp-file'), 'x');

    const swept = await sweepUploads(uploads, now);
    expect(swept).toMatchObject({ removed: 3, restored: 0 });
    for (const file of old) expect(existsSync(file), file).toBe(false);
    for (const file of young) expect(existsSync(file), file).toBe(true);
    expect(readdirSync(path.join(uploads, 'alpha', 'ab', 'cd'))).toEqual(['not-a-temp-file']);
  });

  it('does nothing when there is no uploads directory yet', async () => {
    expect(await sweepUploads(path.join(uploads, 'missing'), Date.now())).toEqual({ stores: 0, removed: 0, restored: 0 });
  });
});
