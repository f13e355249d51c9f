import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { benchImageVariants, type ImageBenchResult } from './images.js';
import { listingPageSize } from '../src/features/site/site.service.js';
import { lighthouseScores, type LighthouseResult } from './web-lighthouse.js';
import { machineInfo, measured, round, table, type Measured } from './web-report.js';
import { seedBenchRescue } from './web-seed.js';
import { startKona, startStatic, type ChildServer } from './web-servers.js';

// dist/bench/web.js → the package root.
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 10);
const dogCount = 50;

/** Kona's defaults (no KONA_* from the caller's shell) on a fresh data directory, without the demo rescue. */
function konaEnv(dataDir: string): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('KONA_')));
  return { ...env, KONA_DATA_DIR: dataDir, KONA_DEMO: 'false' };
}

async function fetchOk(url: string, headers: Record<string, string> = {}, status = 200): Promise<Response> {
  const res = await fetch(url, { headers });
  if (res.status !== status) throw new Error(`GET ${url} answered ${res.status}, expected ${status}`);
  return res;
}

async function run(target: string, url: string, bytes: number, headers: Record<string, string> = {}): Promise<Measured> {
  await autocannon({ url, connections, duration: Math.min(2, seconds), headers }); // warm-up, not counted
  const m = measured(target, url, await autocannon({ url, connections, duration: seconds, headers }), bytes);
  process.stdout.write(`  ${target}: ${m.requestsPerSecond.toFixed(0)} req/s\n`);
  return m;
}

// Saves the two pages Kona rendered so the bare server sends exactly the same bytes.
async function pagesOf(kona: ChildServer, slug: string, dogId: string, dir: string) {
  const listing = Buffer.from(await (await fetchOk(`${kona.url}/r/${slug}/`)).arrayBuffer());
  const cards = listing.toString().match(/class="dog-card"/g)?.length ?? 0;
  const expected = Math.min(dogCount, listingPageSize);
  if (cards !== expected) throw new Error(`the listing's first page shows ${cards} dogs, expected ${expected}`);
  const dog = Buffer.from(await (await fetchOk(`${kona.url}/r/${slug}/dogs/${dogId}`)).arrayBuffer());
  writeFileSync(path.join(dir, 'listing.html'), listing);
  writeFileSync(path.join(dir, 'dog.html'), dog);
  writeFileSync(path.join(dir, 'ready.txt'), 'ready');
  const photo = /\/photos\/([0-9a-f]{64})\/medium\.jpg/.exec(listing.toString())?.[0];
  if (!photo) throw new Error('no photo on the listing');
  return { listing: listing.length, dog: dog.length, photoPath: `/r/${slug}${photo}` };
}

async function measureWeb(tmp: string, servers: ChildServer[]) {
  const dataDir = path.join(tmp, 'data');
  const pagesDir = path.join(tmp, 'static');
  mkdirSync(pagesDir);
  process.stdout.write(`seeding ${dogCount} available dogs with photos…\n`);
  const { slug, dogIds } = await seedBenchRescue(konaEnv(dataDir), dogCount);
  const kona = await startKona(root, konaEnv(dataDir), tmp);
  servers.push(kona);
  const pages = await pagesOf(kona, slug, dogIds[0]!, pagesDir);
  const bare = await startStatic(path.join(root, 'dist/bench/static-server.js'), pagesDir, tmp);
  servers.push(bare);
  const photoUrl = `${kona.url}${pages.photoPath}`;
  const photo = await fetchOk(photoUrl);
  const photoBytes = (await photo.arrayBuffer()).byteLength;
  const etag = photo.headers.get('etag')!;
  await fetchOk(photoUrl, { 'if-none-match': etag }, 304);
  process.stdout.write(`measuring, ${seconds} s each at ${connections} connections…\n`);
  const rows = [
    await run('listing page (Kona)', `${kona.url}/r/${slug}/`, pages.listing),
    await run('listing page (bare static file)', `${bare.url}/listing.html`, pages.listing),
    await run('dog page (Kona)', `${kona.url}/r/${slug}/dogs/${dogIds[0]}`, pages.dog),
    await run('dog page (bare static file)', `${bare.url}/dog.html`, pages.dog),
    await run('photo medium.jpg, 200', photoUrl, photoBytes),
    await run('photo medium.jpg, If-None-Match 304', photoUrl, 0, { 'if-none-match': etag }),
  ] as const;
  process.stdout.write('Lighthouse, phone, listing and the first dog\'s page…\n');
  const lighthouse = await lighthouseScores([
    { page: 'listing', url: `${kona.url}/r/${slug}/` },
    { page: 'dog page', url: `${kona.url}/r/${slug}/dogs/${dogIds[0]}` },
  ]);
  return { rows, lighthouse };
}

function lighthouseTable(results: LighthouseResult[]): string {
  const lines = ['Lighthouse (phone)  performance  accessibility  best practices  SEO'];
  for (const r of results) {
    const s = r.scores;
    lines.push(`${r.page.padEnd(19)} ${String(s.performance).padStart(11)}  ${String(s.accessibility).padStart(13)}  ${String(s['best-practices']).padStart(14)}  ${String(s.seo).padStart(3)}`);
    for (const f of r.findings) lines.push(`  ${r.page}: ${f.title}${f.value ? ` (${f.value})` : ''}`);
  }
  return lines.join('\n');
}

function imageFigures(r: ImageBenchResult) {
  return { width: r.width, height: r.height, originalBytes: r.originalBytes, runs: r.runs, allVariantsMs: round(r.variantsMs), plainResizeMs: round(r.plainResizeMs), ratio: round(r.ratio), variantBytes: r.variantBytes };
}

async function main(tmp: string, servers: ChildServer[]): Promise<void> {
  const machine = machineInfo();
  const { rows, lighthouse } = await measureWeb(tmp, servers);
  for (const s of servers.splice(0)) await s.stop();
  process.stdout.write('timing image variants…\n');
  const images = await benchImageVariants({ log: () => {} });
  const [listing, listingStatic, dog, dogStatic, photo200, photo304] = rows;
  const pairs = [
    { label: 'listing page: Kona / bare static file', subject: listing, reference: listingStatic },
    { label: 'dog page: Kona / bare static file', subject: dog, reference: dogStatic },
    { label: 'photo: 304 revalidation / 200 full answer', subject: photo304, reference: photo200 },
  ];
  process.stdout.write(`\nKona web benchmark, ${dogCount} available dogs, ${seconds} s per target, ${connections} connections; ${machine.cpuModel}, ${machine.cores} cores, Node ${machine.node}, load ${machine.loadAverageAtStart.join(' ')}\n\n`);
  process.stdout.write(`${table([...rows], pairs)}\n`);
  process.stdout.write(`\n${lighthouseTable(lighthouse)}\n`);
  process.stdout.write(`\n12-megapixel JPEG (${images.width}×${images.height}, ${(images.originalBytes / 1e6).toFixed(1)} MB), median of ${images.runs}:\n`);
  process.stdout.write(`  all variants ${images.variantsMs.toFixed(0)} ms, one plain sharp resize to the largest ${images.plainResizeMs.toFixed(0)} ms: ratio ${images.ratio.toFixed(2)}x\n`);
  const out = path.join(root, 'bench/results/web.json');
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify({
    machine: { ...machine, loadAverageAtEnd: loadavg().map(round) }, settings: { dogs: dogCount, secondsPerTarget: seconds, connections, pipelining: 1 },
    web: rows, ratios: Object.fromEntries(pairs.map((p) => [p.label, Math.round((p.subject.requestsPerSecond / p.reference.requestsPerSecond) * 1000) / 1000])),
    images: imageFigures(images), lighthouse,
  }, null, 2)}\n`);
  process.stdout.write(`\nwrote ${path.relative(process.cwd(), out)}\n`);
}

// Child servers and the temporary directory go away on success, on failure and on Ctrl-C.
const tmp = mkdtempSync(path.join(tmpdir(), 'kona-bench-'));
const servers: ChildServer[] = [];
let cleaned = false;
async function cleanUp(): Promise<void> {
  if (cleaned) return;
  cleaned = true;
  await Promise.allSettled(servers.map((s) => s.stop()));
  rmSync(tmp, { recursive: true, force: true });
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void cleanUp().finally(() => process.exit(130)));
try {
  await main(tmp, servers);
} catch (err) {
  process.exitCode = 1;
  process.stderr.write(`bench:web failed: ${(err as Error).stack ?? err}\n`);
  const log = path.join(tmp, 'kona.log');
  if (existsSync(log)) process.stderr.write(`last lines of the server's log:\n${readFileSync(log, 'utf8').split('\n').slice(-20).join('\n')}\n`);
} finally {
  await cleanUp();
}
