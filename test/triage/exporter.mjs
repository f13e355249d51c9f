/**
 * A tiny process for the triage end-to-end test: serves Prometheus text on /metrics with
 * `kona_fixture_healthy`, which is 0 for its first FIXTURE_UNHEALTHY_STARTS starts (default 1) and
 * 1 afterwards, so a restart is what heals it. Each start appends its pid to `<FIXTURE_DIR>/starts`
 * and writes `<FIXTURE_DIR>/pid`, which is how the test tells whether it was restarted.
 * Plain JavaScript: it is spawned with `node`, without a TypeScript loader.
 */
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import path from 'node:path';

const dir = process.env.FIXTURE_DIR;
const port = Number(process.env.FIXTURE_PORT);
if (!dir || !Number.isInteger(port) || port <= 0) {
  process.stderr.write('exporter: set FIXTURE_DIR and FIXTURE_PORT\n');
  process.exit(2);
}
const unhealthyStarts = Number(process.env.FIXTURE_UNHEALTHY_STARTS ?? 1);
appendFileSync(path.join(dir, 'starts'), `${process.pid}\n`);
writeFileSync(path.join(dir, 'pid'), `${process.pid}\n`);
const start = readFileSync(path.join(dir, 'starts'), 'utf8').trim().split('\n').length;
const healthy = start > unhealthyStarts ? 1 : 0;

const server = createServer((req, res) => {
  if (req.url !== '/metrics') {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
  res.end(`# HELP kona_fixture_healthy Whether the fixture is healthy (1) or not (0).\n# TYPE kona_fixture_healthy gauge\nkona_fixture_healthy ${healthy}\n# HELP kona_fixture_start Which start of the fixture this is (1 = first).\n# TYPE kona_fixture_start gauge\nkona_fixture_start ${start}\n`);
});
server.listen(port, '127.0.0.1', () => process.stdout.write(`exporter pid ${process.pid} start ${start} healthy ${healthy} on ${port}\n`));
const stop = () => {
  server.close(() => process.exit(0));
  // Prometheus keeps its scrape connection open; close() alone would wait for it.
  server.closeAllConnections();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
