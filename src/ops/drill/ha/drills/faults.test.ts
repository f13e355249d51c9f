import { describe, expect, it } from 'vitest';
import { DRILLS, drillNamed } from './faults.js';

describe('kona drill run: drill names', () => {
  it('knows the three drills npm test runs and names them when asked for another', () => {
    expect(Object.keys(DRILLS).sort()).toEqual(['primary-kill', 'switchover', 'web-kill']);
    expect(drillNamed('switchover').name).toBe('switchover');
    expect(() => drillNamed('partition')).toThrow('No drill "partition": known drills are primary-kill, switchover, web-kill.');
  });
});
