// `npm run lint:deps`: runs dependency-cruiser over src/ with .dependency-cruiser.cjs, prints each
// violation on a line and then how many each rule has (its own reporters give a total, or an HTML
// table), and fails when any rule at severity error is broken.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../node_modules/.bin/depcruise', import.meta.url));
const args = [bin, 'src', '--config', '.dependency-cruiser.cjs', '--output-type', 'json'];
// It exits with the number of errors, so the exit status alone says nothing about a crash.
const root = fileURLToPath(new URL('..', import.meta.url));
const run = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, stdio: ['ignore', 'pipe', 'inherit'] });
if (run.error || !run.stdout.startsWith('{')) throw run.error ?? new Error(`dependency-cruiser failed (status ${run.status})`);
const result = JSON.parse(run.stdout);
const { violations, totalCruised, totalDependenciesCruised } = result.summary;

const perRule = new Map();
for (const v of violations.toSorted((a, b) => a.rule.name.localeCompare(b.rule.name) || a.from.localeCompare(b.from))) {
  const path = v.type === 'cycle' ? [v.from, ...v.cycle.map((c) => c.name)] : [v.from, v.to];
  console.log(`${v.rule.severity} ${v.rule.name}: ${path.join(' → ')}`);
  const key = `${v.rule.name} (${v.rule.severity})`;
  perRule.set(key, (perRule.get(key) ?? 0) + 1);
}

console.log(`\nDependency rules: ${totalCruised} modules, ${totalDependenciesCruised} dependencies cruised.`);
if (perRule.size === 0) console.log('  no violations');
for (const [rule, count] of [...perRule].sort((a, b) => b[1] - a[1])) console.log(`  ${String(count).padStart(4)}  ${rule}`);
process.exitCode = result.summary.error > 0 ? 1 : 0;
