import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer as collect } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import { readZip } from './export.testing.js';
import { ZipWriter } from './export.zip.js';

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

describe('the export zip writer', () => {
  it('writes entries from text and streams that read back byte for byte, each with its size and sha256', async () => {
    const zip = new ZipWriter(new Date('2026-01-02T03:04:05Z'));
    const archive = collect(zip.output);
    const binary = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 7919) % 256));
    const text = await zip.add('a.csv', (function* () { yield '\uFEFFname\r\n'; yield 'Zoë\r\n'; })(), { compress: true });
    const file = await zip.add('files/b.bin', Readable.from([binary.subarray(0, 1000), binary.subarray(1000)]), { compress: false });
    zip.finish({ path: 'manifest.json', body: Buffer.from('{}\n') });
    const entries = await readZip(await archive);
    expect([...entries.keys()]).toEqual(['a.csv', 'files/b.bin', 'manifest.json']);
    expect(entries.get('a.csv')!.toString('utf8')).toBe('\uFEFFname\r\nZoë\r\n');
    expect(entries.get('files/b.bin')!.equals(binary)).toBe(true);
    expect(text).toEqual({ path: 'a.csv', size: entries.get('a.csv')!.length, sha256: sha256(entries.get('a.csv')!) });
    expect(file).toEqual({ path: 'files/b.bin', size: 70_000, sha256: sha256(binary) });
    expect(zip.entries).toEqual([text, file]);
  });

  it('stops when a source fails: the entry is refused and the output ends in that error, not a zip that looks whole', async () => {
    const zip = new ZipWriter(new Date());
    const archive = collect(zip.output);
    const failing = (async function* () { yield 'first page\r\n'; throw new Error('database went away'); })();
    const entry = zip.add('dogs.csv', failing, { compress: true });
    await expect(entry).rejects.toThrow('database went away');
    zip.fail(new Error('database went away'));
    await expect(archive).rejects.toThrow('database went away');
    await expect(zip.add('next.csv', ['x'], { compress: true })).rejects.toThrow('database went away');
  });

  it('stops reading when the download is closed early', async () => {
    const zip = new ZipWriter(new Date());
    let pulled = 0;
    let started: () => void = () => {};
    const flowing = new Promise<void>((resolve) => { started = resolve; });
    // Asynchronous like a file read, so the test's own promise gets its turn.
    const endless = new Readable({ read() { setImmediate(() => { pulled += 1; if (pulled === 3) started(); this.push(Buffer.alloc(64 * 1024, 1)); }); } });
    const entry = zip.add('files/huge.bin', endless, { compress: false });
    zip.output.resume();
    await flowing;
    zip.output.destroy();
    await expect(entry).rejects.toThrow('closed before it finished');
    expect(endless.destroyed).toBe(true);
    expect(pulled).toBeGreaterThan(0);
  });
});
