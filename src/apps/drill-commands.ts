/**
 * `kona drill up|down|status|run|report|load|check`: the high-availability drills (issue 18), beside
 * the restore drills (`kona drill restore …`, backup-cli.ts) under the same `drill` command.
 */
import type { Command } from 'commander';

/** The `drill` command (created by the backup commands), or a new one. */
function drillCommand(program: Command): Command {
  return program.commands.find((c) => c.name() === 'drill') ?? program.command('drill').description('Drills: restores, and failures injected into a local HA cluster');
}

function parseWeb(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 8) throw new Error('--web must be a whole number from 1 to 8');
  return n;
}

/** `kona drill up|down|status`: the local HA cluster (src/ops/drill/ha/cluster). */
function addClusterCommands(drill: Command): void {
  drill
    .command('up')
    .description('Start the local HA cluster (etcd ×3, Patroni/PostgreSQL ×3, haproxy, Kona web replicas, worker, dispatcher, Prometheus, Alertmanager, triage) and leave it running')
    .option('--dir <folder>', 'the cluster\'s folder (data, logs, cluster.json); new or empty', './drill-cluster')
    .option('--web <n>', 'Kona web replicas behind haproxy', '2')
    .action(async (o: { dir: string; web: string }) => {
      const { clusterUp } = await import('../ops/drill/ha/cluster/up.js');
      const { clusterAddresses } = await import('../ops/drill/ha/cluster/status.js');
      const layout = await clusterUp({ dir: o.dir, web: parseWeb(o.web), progress: (line) => process.stderr.write(`${line}\n`) });
      const a = clusterAddresses(layout);
      process.stdout.write(`The drill cluster is up in ${layout.dir}\n  web           ${a.web}\n  rw (primary)  ${a.rw}  (password in cluster.json)\n  prometheus    ${a.prometheus}\n  alertmanager  ${a.alertmanager}\n  logs          ${layout.dir}/logs/\nStop it with: kona drill down --dir ${layout.dir}\n`);
    });
  drill
    .command('status')
    .description('Show the local HA cluster: members\' roles, state and lag (Patroni), etcd health, haproxy\'s view, web replicas, processes')
    .option('--dir <folder>', 'the cluster\'s folder', './drill-cluster')
    .option('--json', 'print JSON')
    .action(async (o: { dir: string; json?: boolean }) => {
      const { clusterStatus, formatStatus } = await import('../ops/drill/ha/cluster/status.js');
      const s = await clusterStatus(o.dir);
      process.stdout.write(o.json ? `${JSON.stringify(s, null, 2)}\n` : `${formatStatus(s)}\n`);
    });
  drill
    .command('down')
    .description('Stop every process of the local HA cluster and remove its folder')
    .option('--dir <folder>', 'the cluster\'s folder', './drill-cluster')
    .option('--keep', 'keep the folder (data and logs)')
    .action(async (o: { dir: string; keep?: boolean }) => {
      const { clusterDown } = await import('../ops/drill/ha/cluster/down.js');
      const r = await clusterDown(o.dir, { keep: o.keep });
      process.stdout.write(`Stopped ${r.stopped.length} processes; ${r.removed ? `removed ${o.dir}` : `kept ${o.dir}`}\n`);
    });
}

/** Adds the HA drill commands under `kona drill`. */
export function addDrillCommands(program: Command): void {
  const drill = drillCommand(program);
  addClusterCommands(drill);
}
