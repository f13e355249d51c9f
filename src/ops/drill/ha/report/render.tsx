/**
 * One drill run as one self-contained HTML page: the verdict, the figures against the issue's
 * targets, four charts over time (Chart.js, inlined from node_modules with its annotation plugin for
 * the events) each with a caption and its data as a table, the events, the checker's findings with
 * their ids, the alerts and what triage did. Rendered by Preact, which escapes every text; the data
 * for the script sits in a JSON block with `<` escaped. A CSP allows nothing from the network, so
 * the page works opened as a file.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { renderToString } from 'preact-render-to-string';
import type { DrillRun } from '../run.js';
import { chartMarkers, chartSpecs, type ChartSpec } from './charts.js';
import { chartsClientScript } from './charts.client.js';
import { Checker, EventsTable, FiguresTable, Alerts, Triage } from './sections.js';

const require = createRequire(import.meta.url);
let libraries: string | undefined;

/** Chart.js and its annotation plugin (UMD builds), read once. */
function chartLibraries(): string {
  libraries ??= [
    path.join(path.dirname(require.resolve('chart.js')), 'chart.umd.min.js'),
    path.join(path.dirname(require.resolve('chartjs-plugin-annotation')), 'chartjs-plugin-annotation.min.js'),
  ].map((f) => readFileSync(f, 'utf8')).join('\n;\n');
  return libraries;
}

/** Text for an inline <script>: nothing in it may close the element. */
function inlineScript(text: string): string {
  return text.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

const css = `body{font:15px/1.45 system-ui,sans-serif;margin:1.5rem auto;max-width:72rem;padding:0 1rem;color:#1b1b1b}
h1{font-size:1.6rem}h2{margin-top:2rem;border-bottom:1px solid #ccc}table{border-collapse:collapse;margin:.5rem 0 1rem}
th,td{text-align:left;padding:.25rem .6rem;border-bottom:1px solid #ddd;vertical-align:top}td.num{text-align:right;font-variant-numeric:tabular-nums}
.verdict{display:inline-block;padding:.2rem .7rem;border-radius:.3rem;font-weight:700}.pass{background:#d8f3dc;color:#0b4d1c}.fail{background:#ffd9d9;color:#7a0000}
figure{margin:1rem 0 2rem}.chart{position:relative;height:300px}figcaption{margin:.4rem 0;color:#333}code{font-size:13px;word-break:break-all}
details{margin:.3rem 0}summary{cursor:pointer}`;

function DataTable({ chart }: { chart: ChartSpec }) {
  return (
    <details>
      <summary>{chart.title}: the data as a table</summary>
      <table>
        <caption>{chart.title} ({chart.yLabel}) by second</caption>
        <thead><tr><th scope="col">second</th>{chart.series.map((s) => <th scope="col" key={s.label}>{s.label}</th>)}</tr></thead>
        <tbody>
          {chart.t.map((t, i) => (
            <tr key={t}><th scope="row">{t}</th>{chart.series.map((s) => <td class="num" key={s.label}>{s.values[i] ?? '—'}</td>)}</tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}

function Chart({ chart }: { chart: ChartSpec }) {
  return (
    <figure aria-labelledby={`cap-${chart.id}`}>
      <h3>{chart.title}</h3>
      <div class="chart">
        <canvas id={`chart-${chart.id}`} role="img" aria-label={`${chart.title} chart; the data is in the table below`} />
      </div>
      <figcaption id={`cap-${chart.id}`}>{chart.caption}</figcaption>
      <DataTable chart={chart} />
    </figure>
  );
}

function Page({ run }: { run: DrillRun }) {
  const charts = chartSpecs(run);
  const data = JSON.stringify({ charts, markers: chartMarkers(run) }).replace(/</g, '\\u003c');
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`Drill ${run.drill} — ${run.id}`}</title>
        <style dangerouslySetInnerHTML={{ __html: css }} />
      </head>
      <body>
        <main>
          <h1>Drill <code>{run.drill}</code>: <span class={`verdict ${run.check.verdict}`} data-verdict={run.check.verdict}>{run.check.verdict.toUpperCase()}</span></h1>
          <p>Run <code>{run.id}</code>, from {run.startedAt} to {run.finishedAt}.</p>
          <h2>Figures</h2>
          <FiguresTable run={run} />
          <h2>Over time</h2>
          <p>Markers on each chart: faults and heals (solid), promotions, alerts, triage actions and the write gap (dashed).</p>
          {charts.map((c) => <Chart chart={c} key={c.id} />)}
          <h2>Events</h2>
          <EventsTable run={run} />
          <h2>The checker's verdict</h2>
          <Checker check={run.check} />
          <h2>Alerts that fired</h2>
          <Alerts run={run} />
          <h2>What triage did</h2>
          <Triage run={run} />
        </main>
        <script id="drill-data" type="application/json" dangerouslySetInnerHTML={{ __html: data }} />
        <script dangerouslySetInnerHTML={{ __html: inlineScript(chartLibraries()) }} />
        <script dangerouslySetInnerHTML={{ __html: inlineScript(chartsClientScript) }} />
      </body>
    </html>
  );
}

/** The run's report: one self-contained HTML page. */
export function renderDrillReport(run: DrillRun): string {
  return `<!doctype html>${renderToString(<Page run={run} />)}`;
}
