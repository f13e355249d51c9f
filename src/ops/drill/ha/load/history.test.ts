import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HistoryFile, readHistory, timelineOf } from './history.js';
import { combineAttempts, judgeAnswer, judgeTransportError } from './outcome.js';

describe('the history', () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const fileIn = () => path.join((dir = mkdtempSync(path.join(tmpdir(), 'kona-history-'))), 'h.jsonl');

  it('has the pending line on disk before the answer, and the outcome line supersedes it', () => {
    const file = fileIn();
    const h = new HistoryFile(file);
    h.pending({ id: 'w1', tenant: 'a', kind: 'application', startT: 1 });
    // What a crash right after sending leaves: the write is known, as indeterminate.
    expect(readHistory(file)).toEqual([{ id: 'w1', tenant: 'a', kind: 'application', startT: 1, endT: 1, outcome: 'indeterminate', error: 'pending' }]);
    h.append({ id: 'w1', tenant: 'a', kind: 'application', startT: 1, endT: 1.2, outcome: 'ok', status: 303 });
    h.close();
    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(2);
    expect(readHistory(file)).toEqual([{ id: 'w1', tenant: 'a', kind: 'application', startT: 1, endT: 1.2, outcome: 'ok', status: 303 }]);
  });

  it('skips a torn last line but refuses a bad line in the middle, naming it', () => {
    const file = fileIn();
    const h = new HistoryFile(file);
    h.append({ id: 'w1', tenant: 'a', kind: 'medical', startT: 0, endT: 0.1, outcome: 'fail', status: 400 });
    h.close();
    appendFileSync(file, '{"id":"w2","ten');
    expect(readHistory(file).map((e) => e.id)).toEqual(['w1']);
    appendFileSync(file, '\n{"id":"w3"}\n');
    expect(() => readHistory(file)).toThrow(/h\.jsonl:2: not a JSON line/);
  });

  it('counts each second: requests, outcomes, p50/p99 and errors by kind', () => {
    const points = timelineOf([
      { t: 0.1, latencyMs: 10, outcome: 'ok' },
      { t: 0.5, latencyMs: 30, outcome: 'ok' },
      { t: 0.9, latencyMs: 20, outcome: 'fail', error: 'KONA_ERR_DB_SWITCHING' },
      { t: 2.2, latencyMs: 5000, outcome: 'indeterminate', error: 'timeout' },
    ]);
    expect(points).toEqual([
      { t: 0, requests: 3, ok: 2, fail: 1, indeterminate: 0, p50Ms: 20, p99Ms: 30, errors: { KONA_ERR_DB_SWITCHING: 1 } },
      { t: 1, requests: 0, ok: 0, fail: 0, indeterminate: 0, p50Ms: null, p99Ms: null, errors: {} },
      { t: 2, requests: 1, ok: 0, fail: 0, indeterminate: 1, p50Ms: 5000, p99Ms: 5000, errors: { timeout: 1 } },
    ]);
  });
});

describe('judging a write', () => {
  it('is ok only on a success that echoes the id', () => {
    expect(judgeAnswer({ status: 303, location: '/x?key=k' }, true)).toEqual({ outcome: 'ok', status: 303 });
    expect(judgeAnswer({ status: 200, location: null }, false)).toMatchObject({ outcome: 'indeterminate' });
  });

  it('is fail only when Kona knows nothing was committed', () => {
    expect(judgeAnswer({ status: 400, location: null }, false)).toMatchObject({ outcome: 'fail', error: '400' });
    expect(judgeAnswer({ status: 503, location: null, code: 'KONA_ERR_DB_SWITCHING' }, false)).toMatchObject({ outcome: 'fail' });
    expect(judgeTransportError(Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } }))).toEqual({ outcome: 'fail', error: 'ECONNREFUSED' });
  });

  it('is indeterminate otherwise: unconfirmed, other 5xx, resets and timeouts', () => {
    expect(judgeAnswer({ status: 503, location: null, code: 'KONA_ERR_WRITE_UNCONFIRMED' }, false)).toMatchObject({ outcome: 'indeterminate', error: 'KONA_ERR_WRITE_UNCONFIRMED' });
    expect(judgeAnswer({ status: 500, location: null }, false)).toMatchObject({ outcome: 'indeterminate', error: '500' });
    expect(judgeTransportError(Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNRESET' } }))).toMatchObject({ outcome: 'indeterminate' });
    expect(judgeTransportError(new DOMException('The operation timed out.', 'TimeoutError'))).toEqual({ outcome: 'indeterminate', error: 'timeout' });
  });

  it('combines attempts with one key: ok if any was acknowledged, fail only if all failed', () => {
    const fail = { outcome: 'fail' as const, status: 503, error: 'KONA_ERR_DB_SWITCHING' };
    const unknown = { outcome: 'indeterminate' as const, error: 'timeout' };
    const ok = { outcome: 'ok' as const, status: 303 };
    expect(combineAttempts(combineAttempts(undefined, fail), fail)).toEqual(fail);
    expect(combineAttempts(combineAttempts(undefined, unknown), fail)).toEqual({ ...fail, outcome: 'indeterminate' });
    expect(combineAttempts(combineAttempts(undefined, unknown), ok)).toEqual(ok);
  });
});
