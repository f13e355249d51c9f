/**
 * `kona drill …` for the high-availability drills (issue 18), beside the restore drills that
 * backup-cli.ts adds under the same `drill` command. Each part adds its own subcommands here.
 */
import type { Command } from 'commander';
import { loadConfig } from '../platform/config/config.js';
import { runListing, runReportFiles } from '../ops/drill/ha/report/listing.js';
import { haDrillsDir } from '../ops/drill/ha/report/store.js';

/** The program's `drill` command (made by the restore drills), or a new one. */
export function drillCommand(program: Command): Command {
  const drill = program.commands.find((c) => c.name() === 'drill') ?? program.command('drill');
  return drill.description('Drills: restore drills (restore) and high-availability drills');
}

/** Adds `kona drill report [id] [--dir <dir>]`: past HA drill runs newest first, or one run's files. */
export function addDrillReportCommand(drill: Command, out: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): void {
  drill
    .command('report')
    .description('HA drills: list past runs newest first (id, drill, when, verdict, write unavailability, lost, p99), or print one run\'s JSON and HTML paths')
    .argument('[id]', 'a run id from the list')
    .option('--dir <dir>', 'where the HA drills keep their runs (default: <data dir>/drills/ha)')
    .action((id: string | undefined, o: { dir?: string }) => {
      const dir = o.dir ?? haDrillsDir(loadConfig().dataDir);
      if (id === undefined) {
        for (const line of runListing(dir)) out(line);
        return;
      }
      const files = runReportFiles(dir, id);
      out(`json ${files.json}`);
      out(`html ${files.html}`);
    });
}
