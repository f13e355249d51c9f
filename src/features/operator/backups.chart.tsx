/**
 * The Backups page's chart: bars for the bytes good backups wrote each day, a line for the stalest
 * layer's age at each day's end. Plain server-rendered SVG (no script, no chart library) with a
 * title and description for screen readers, and the same figures as a table beneath it.
 */
import { formatBytes } from '../../platform/storage/index.js';
import { Fold } from '../../platform/http/views/fold.js';
import { When } from '../../platform/http/views/time.js';
import type { BackupDay } from '../../ops/backup/backup.public.js';

const width = 600;
const height = 200;
const pad = { left: 8, right: 8, top: 12, bottom: 24 };

/** Hours as a person reads them: "26 h", "3.5 h". */
export function formatHours(hours: number): string {
  return `${Number(hours.toFixed(hours < 10 ? 1 : 0))} h`;
}

/** The chart of backup age and size over the given days, with its text alternative. */
export function BackupChart({ days }: { days: BackupDay[] }) {
  if (days.length === 0) return null;
  const innerW = width - pad.left - pad.right;
  const innerH = height - pad.top - pad.bottom;
  const maxBytes = Math.max(1, ...days.map((d) => d.bytes));
  const worstAge = Math.max(0, ...days.map((d) => d.worstAgeHours ?? 0));
  // A day's height at least, so a healthy nightly rhythm does not fill the chart.
  const maxAge = Math.max(24, worstAge);
  const slot = innerW / days.length;
  const x = (i: number) => pad.left + slot * i + slot / 2;
  const ageY = (h: number) => pad.top + innerH - (h / maxAge) * innerH;
  const points = days.flatMap((d, i) => (d.worstAgeHours === null ? [] : [`${x(i).toFixed(1)},${ageY(d.worstAgeHours).toFixed(1)}`]));
  const newest = days[days.length - 1]!;
  const summary = `Over the last ${days.length} days good backups wrote up to ${formatBytes(maxBytes)} a day; the stalest layer's last good backup was at most ${formatHours(worstAge)} old${newest.worstAgeHours === null ? '' : `, and is ${formatHours(newest.worstAgeHours)} old now`}.`;
  return (
    <figure class="backup-chart">
      <svg viewBox={`0 0 ${width} ${height}`} width="100%" role="img" aria-labelledby="backup-chart-title backup-chart-desc" preserveAspectRatio="none">
        <title id="backup-chart-title">Backup size per day (bars) and age of the stalest backup (line)</title>
        <desc id="backup-chart-desc">{summary}</desc>
        <line x1={pad.left} y1={pad.top + innerH} x2={width - pad.right} y2={pad.top + innerH} stroke="#888" stroke-width="1" />
        {days.map((d, i) => {
          const h = (d.bytes / maxBytes) * innerH;
          return <rect key={i} class="bar" x={(x(i) - slot * 0.35).toFixed(1)} y={(pad.top + innerH - h).toFixed(1)} width={(slot * 0.7).toFixed(1)} height={h.toFixed(1)} fill="#9cc3e6" />;
        })}
        {points.length > 0 && <polyline class="age" points={points.join(' ')} fill="none" stroke="#b3261e" stroke-width="2.5" />}
        {/* A dot per day, so a single day (or a lone point between gaps) still shows. */}
        {days.map((d, i) => (d.worstAgeHours === null ? null : <circle key={`a${i}`} cx={x(i).toFixed(1)} cy={ageY(d.worstAgeHours).toFixed(1)} r="4" fill="#b3261e" />))}
        <text x={pad.left} y={height - 6} font-size="12" fill="#333">{days[0]!.day.toISOString().slice(5, 10)}</text>
        <text x={width - pad.right} y={height - 6} font-size="12" fill="#333" text-anchor="end">{newest.day.toISOString().slice(5, 10)}</text>
      </svg>
      <figcaption>{summary} Bars: bytes written that day (highest {formatBytes(maxBytes)}). Line: hours since the stalest layer's last good backup (top of the chart {formatHours(maxAge)}).</figcaption>
      <Fold summary="The figures as a table">
        <div class="table-wrap" role="region" aria-labelledby="backup-days-caption" tabIndex={0}>
          <table>
            <caption id="backup-days-caption">Backups per day (UTC)</caption>
            <thead><tr><th scope="col">Day</th><th scope="col">Written</th><th scope="col">Stalest backup at day's end</th></tr></thead>
            <tbody>
              {days.map((d) => (
                <tr key={d.day.toISOString()}>
                  <th scope="row"><When at={d.day} dateOnly /></th>
                  <td>{formatBytes(d.bytes)}</td>
                  <td>{d.worstAgeHours === null ? 'no backup yet' : formatHours(d.worstAgeHours)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Fold>
    </figure>
  );
}
