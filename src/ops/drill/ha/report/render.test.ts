import { describe, expect, it } from 'vitest';
import { renderDrillReport } from './render.js';
import { syntheticRun } from './run.testing.js';

describe('renderDrillReport', () => {
  it('keeps a hostile event text out of the markup and out of the scripts', () => {
    const run = syntheticRun('r1', '2026-12-08T01:00:00Z');
    run.events.push({ t: 20, kind: 'note', detail: '</script><script>alert(1)</script><!--' });
    const html = renderDrillReport(run);
    // Chart.js, its plugin and the page's script, plus the JSON block: nothing more.
    expect(html.match(/<script/g)).toHaveLength(3);
    expect(html).not.toContain('<script>alert(1)');
    expect(html).toContain('&lt;/script>&lt;script>alert(1)&lt;/script>');
    expect(html).toContain('\\u003c/script>\\u003cscript>alert(1)');
  });

  it('allows no request from the page and says so when nothing fired or acted', () => {
    const run = { ...syntheticRun('r2', '2026-12-08T01:00:00Z'), alerts: [], triage: [] };
    const html = renderDrillReport(run);
    expect(html).toContain("default-src 'none'");
    expect(html).not.toMatch(/(src|href)="https?:/);
    expect(html).toContain('No alert fired.');
    expect(html).toContain('Triage took no action.');
  });
});
