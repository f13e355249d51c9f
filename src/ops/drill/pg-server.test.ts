import { describe, expect, it } from 'vitest';
import { nextWalSegment, recoveryFailure } from './pg-server.js';
import { commitSlackMs, compareMarks } from './pitr.marks.js';

describe('a restored server\'s failures', () => {
  it('names the WAL segment after the last one restored when recovery ran out of WAL', () => {
    const log = [
      'LOG:  restored log file "000000010000000000000005" from archive',
      'LOG:  restored log file "000000010000000000000004" from archive',
      'FATAL:  recovery ended before configured recovery target was reached',
    ].join('\n');
    expect(recoveryFailure(log)).toBe('recovery ended before configured recovery target was reached; WAL segment 000000010000000000000006 is missing from the archive');
    expect(recoveryFailure('FATAL:  could not load pg_hba.conf')).toBe('could not load pg_hba.conf');
    expect(nextWalSegment('0000000100000000000000FF')).toBe('000000010000000100000000');
  });
});

describe('PITR marks', () => {
  it('requires marks stamped well before the target, forbids marks after it, and tolerates the commit slack', () => {
    const target = new Date(100_000);
    const source = [{ id: 1, at: new Date(10_000) }, { id: 2, at: new Date(100_000 - commitSlackMs / 2) }, { id: 3, at: new Date(100_001) }];
    expect(compareMarks(source, [source[0]!], target)).toEqual({ missing: [], afterTarget: [], lastPresent: source[0] });
    expect(compareMarks(source, [source[1]!, source[2]!], target)).toEqual({ missing: [1], afterTarget: [3], lastPresent: source[1] });
  });
});
