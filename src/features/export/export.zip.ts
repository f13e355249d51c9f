// The zip is written as it is read: each entry streams through a meter (sha256 and size, for the
// manifest) into yazl, whose output is the HTTP response. yazl pipes with backpressure, so a slow
// download slows the database reads and file reads behind it, and nothing is held whole.
import { createHash } from 'node:crypto';
import { Readable, Transform } from 'node:stream';
import { ZipFile } from 'yazl';

/** A file written into the zip: its path, its size in bytes and the sha256 of its bytes. */
export interface ZipEntry {
  path: string;
  size: number;
  sha256: string;
}

/** What an entry's bytes come from: a stream, or text and buffers produced on demand. */
export type ZipSource = Readable | Iterable<string | Buffer> | AsyncIterable<string | Buffer>;

/** Thrown into the writer when the download stops before the end (the client went away). */
export class ExportAbortedError extends Error {
  constructor() {
    super('The export download was closed before it finished');
    this.name = 'ExportAbortedError';
  }
}

/** A zip archive written entry by entry to `output`, remembering each entry's size and sha256. */
export class ZipWriter {
  private readonly zip = new ZipFile();
  /** The archive's bytes, to send as the response. */
  readonly output: Readable;
  /** Every entry written so far, in order. */
  readonly entries: ZipEntry[] = [];
  private current: Readable | undefined;
  private stopped: Error | undefined;
  private done = false;

  constructor(private readonly mtime: Date) {
    this.output = this.zip.outputStream as Readable;
    // A response closed early destroys its stream: stop reading, or the next entry waits for ever.
    this.output.once('close', () => { if (!this.done) this.fail(new ExportAbortedError()); });
  }

  /** Writes one entry and resolves once all of its bytes went into the archive. */
  async add(path: string, source: ZipSource, options: { compress: boolean }): Promise<ZipEntry> {
    if (this.stopped) throw this.stopped;
    const input = source instanceof Readable ? source : Readable.from(source, { objectMode: false });
    const hash = createHash('sha256');
    let size = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _encoding, next) {
        hash.update(chunk);
        size += chunk.length;
        next(null, chunk);
      },
    });
    const written = new Promise<void>((resolve, reject) => {
      meter.once('end', resolve);
      meter.once('error', reject);
      meter.once('close', () => reject(this.stopped ?? new ExportAbortedError()));
      input.once('error', (err) => meter.destroy(err));
    });
    this.current = input;
    input.pipe(meter);
    this.zip.addReadStream(meter, path, { mtime: this.mtime, compress: options.compress });
    await written;
    this.current = undefined;
    const entry = { path, size, sha256: hash.digest('hex') };
    this.entries.push(entry);
    return entry;
  }

  /** Adds the last entry (the manifest) and the zip's central directory, which ends the output. */
  finish(last: { path: string; body: Buffer }): void {
    if (this.stopped) throw this.stopped;
    this.zip.addBuffer(last.body, last.path, { mtime: this.mtime, compress: true });
    this.zip.end();
    this.output.once('end', () => { this.done = true; });
  }

  /** Stops writing: the current entry's source is closed and the output ends in an error (a truncated zip no reader accepts). */
  fail(err: Error): void {
    if (this.stopped) return;
    this.stopped = err;
    this.current?.destroy(err);
    this.output.destroy(err);
  }
}
