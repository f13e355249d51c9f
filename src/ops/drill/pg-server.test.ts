import { describe, expect, it } from 'vitest';
import { nextWalSegment, recoveryFailure } from './pg-server.js';
import { compareMarks, isoMicros } from './pitr.marks.js';

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
  const mark = (id: number, us: number) => ({ id, at: new Date(Math.floor(us / 1000)), us });

  it('requires marks whose successor was stamped by the target, forbids marks stamped after it, to the microsecond', () => {
    const target = new Date(100_000);
    // 2 and 3 fall in the target's millisecond as a Date; 3 is 1 µs after it.
    const source = [mark(1, 10_000_000), mark(2, 99_999_999), mark(3, 100_000_001), mark(4, 100_500_000)];
    expect(compareMarks(source, [source[0]!, source[1]!], target)).toEqual({ missing: [], afterTarget: [], lastPresent: source[1] });
    // 2 may have committed after the target (3 was stamped after it): not required.
    expect(compareMarks(source, [source[0]!], target)).toEqual({ missing: [], afterTarget: [], lastPresent: source[0] });
    expect(compareMarks(source, [source[1]!, source[2]!], target)).toEqual({ missing: [1], afterTarget: [3], lastPresent: source[1] });
  });

  it('writes a stamp with six decimals', () => {
    expect(isoMicros(1_700_000_000_123_456)).toBe('2023-11-14T22:13:20.123456Z');
    expect(isoMicros(1_700_000_000_000_007)).toBe('2023-11-14T22:13:20.000007Z');
  });
});
