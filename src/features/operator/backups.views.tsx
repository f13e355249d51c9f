import { Csrf, Layout, type PageContext } from '../../platform/http/views/layout.js';
import { Notice } from '../../platform/http/views/forms.js';
import { TableWrap } from '../../platform/http/views/tables.js';
import { When } from '../../platform/http/views/time.js';
import { formatBytes } from '../../platform/storage/index.js';
import type { BackupOverview, JobLayer, LayerRetention } from '../../ops/backup/backup.public.js';
import { BackupChart } from './backups.chart.js';

/** One layer's row in the schedule table: its job schedule (or the host's), and whether the console can queue it. */
export interface LayerSchedule {
  layer: string;
  description: string;
  /** The job's UTC cron; undefined: not scheduled by the job system. */
  cron?: string;
  nextRun?: Date;
  /** Set when "Run now" queues this layer's job. */
  job?: JobLayer;
  /** How it runs when the console cannot queue it. */
  howToRun?: string;
  /** What the layer keeps (its retention) and the settings that say so. */
  retention: LayerRetention;
}

/** An age as a person reads it: "45 min", "5 h 20 min", "3 d 4 h". */
export function formatAge(seconds: number): string {
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

function Schedules({ ctx, schedules }: { ctx: PageContext; schedules: LayerSchedule[] }) {
  return (
    <TableWrap labelledBy="layers-caption">
      <table>
        <caption id="layers-caption">Layers, their next run, and what they keep</caption>
        <thead><tr><th scope="col">Layer</th><th scope="col">Next run</th><th scope="col">Action</th><th scope="col">Keeps</th></tr></thead>
        <tbody>
          {schedules.map((s) => (
            <tr key={s.layer}>
              <th scope="row">{s.layer}<br /><small class="layer-what">{s.description}</small></th>
              <td>{s.nextRun ? <><When at={s.nextRun} /> <small>(<code>{s.cron}</code>)</small></> : s.job ? 'not scheduled (off)' : 'on the server\'s host'}</td>
              <td>
                {s.job ? (
                  <form method="post" action={`/operator/backups/${s.job}/run`}>
                    <Csrf token={ctx.csrfToken} />
                    <button type="submit" class="secondary" aria-label={`Run now: the ${s.layer} layer`}>Run now</button>
                  </form>
                ) : <code>{s.howToRun}</code>}
              </td>
              {/* Last: the widest column, so "Run now" stays in view on a phone. */}
              <td class="retention">{s.retention.keeps}<br /><small>set by <code>{s.retention.settings}</code></small></td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}

function LastGood({ overview, missing }: { overview: BackupOverview; missing: string[] }) {
  return (
    <TableWrap labelledBy="last-good-caption">
      <table>
        <caption id="last-good-caption">Last good backup per rescue and layer</caption>
        <thead><tr><th scope="col">Rescue</th><th scope="col">Layer</th><th scope="col">Finished (age)</th><th scope="col">Size</th></tr></thead>
        <tbody>
          {overview.lastGood.map((b) => (
            <tr key={`${b.tenantSlug}/${b.layer}/${b.kind}`}>
              <th scope="row">{b.tenantSlug ?? 'whole server'}</th>
              <td>{b.kind ? `${b.layer} (${b.kind})` : b.layer}</td>
              <td><When at={b.finishedAt} /> <span class="age">({formatAge(b.ageSeconds)} ago)</span></td>
              <td>{b.bytes === null ? '—' : formatBytes(b.bytes)}</td>
            </tr>
          ))}
          {missing.map((slug) => (
            <tr key={`missing/${slug}`} class="missing">
              <th scope="row">{slug}</th>
              <td>dump</td>
              <td colSpan={2}><strong>No good backup yet</strong></td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}

function Failures({ overview }: { overview: BackupOverview }) {
  if (overview.failures.length === 0) return <p>No backup has failed recently.</p>;
  return (
    <TableWrap labelledBy="failures-caption">
      <table>
        <caption id="failures-caption">Recent failures</caption>
        <thead><tr><th scope="col">Started</th><th scope="col">Rescue</th><th scope="col">Layer</th><th scope="col">Reason</th></tr></thead>
        <tbody>
          {overview.failures.map((f) => (
            <tr key={f.id}>
              <td><When at={f.startedAt} /></td>
              <td>{f.tenantSlug ?? 'whole server'}</td>
              <td>{f.kind ? `${f.layer} (${f.kind})` : f.layer}</td>
              <td>{f.error ?? 'no reason recorded'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}

function Drills({ overview }: { overview: BackupOverview }) {
  if (overview.drills.length === 0) return <p>No restore drill has run yet. Run one with <code>kona drill restore dump</code>.</p>;
  return (
    <TableWrap labelledBy="drills-caption">
      <table>
        <caption id="drills-caption">Restore drills, newest first</caption>
        <thead><tr><th scope="col">Started</th><th scope="col">Drill</th><th scope="col">Verdict</th><th scope="col">RTO</th><th scope="col">Why it failed</th></tr></thead>
        <tbody>
          {overview.drills.map((d, i) => (
            <tr key={i}>
              <td><When at={d.startedAt} /></td>
              <td>{d.kind}</td>
              <td>{d.verdict === 'pass' ? 'passed' : d.verdict === 'fail' ? <strong>failed</strong> : 'running'}</td>
              <td>{d.rtoSeconds === null ? '—' : `${Number(d.rtoSeconds.toFixed(1))} s`}</td>
              <td>{d.error ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}

/** The operator console's Backups page: schedules with "Run now", last good backups, failures, drills, and the chart. */
export function BackupsPage(props: { ctx: PageContext; overview: BackupOverview; schedules: LayerSchedule[]; missing: string[]; notice?: string }) {
  const { ctx, overview } = props;
  return (
    <Layout ctx={ctx} title="Backups">
      <div class="backups-page">
      <h1>Backups</h1>
      {props.notice && <Notice>{props.notice}</Notice>}
      <p>Times are UTC. <code>kona backup list</code> shows every backup on disk and the keep rules.</p>
      <h2>Layers</h2>
      <Schedules ctx={ctx} schedules={props.schedules} />
      <h2>Last good backups</h2>
      <LastGood overview={overview} missing={props.missing} />
      <h2>Age and size over time</h2>
      <BackupChart days={overview.days} />
      <h2>Failures</h2>
      <Failures overview={overview} />
      <h2>Restore drills</h2>
      <Drills overview={overview} />
      </div>
    </Layout>
  );
}
