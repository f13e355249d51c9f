import { describe, expect, it } from 'vitest';
import { debianBinary, eventually } from '../harness/prometheus.js';

describe('the Prometheus harness', () => {
  it('fails with the package to install when a binary is missing, never skips', () => {
    process.env.KONA_TEST_MISSING_BIN = '/nonexistent/prometheus';
    try {
      expect(() => debianBinary('prometheus', 'prometheus', 'KONA_TEST_MISSING_BIN')).toThrow(/install Debian's `prometheus` package/);
    } finally {
      delete process.env.KONA_TEST_MISSING_BIN;
    }
  });

  it('finds Debian\'s binaries on this machine (.ci/run installs them)', () => {
    expect(debianBinary('prometheus', 'prometheus', 'KONA_PROMETHEUS_BIN')).toMatch(/prometheus$/);
    expect(debianBinary('prometheus-alertmanager', 'prometheus-alertmanager', 'KONA_ALERTMANAGER_BIN')).toMatch(/alertmanager$/);
  });

  it('eventually polls until a value comes, and names what it waited for when none does', async () => {
    let n = 0;
    expect(await eventually('three calls', async () => (++n >= 3 ? n : undefined), 5000, 10)).toBe(3);
    await expect(eventually('a value that never comes', async () => undefined, 100, 10)).rejects.toThrow(/timed out after 0.1 s waiting for a value that never comes/);
  });
});
