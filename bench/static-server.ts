import { createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import path from 'node:path';

/**
 * The ceiling of the web benchmark: a bare Node HTTP server that streams files of one folder from
 * disk, nothing else. Started as its own process, like Kona, so both get the same share of the CPU.
 * Usage: node static-server.js <folder> <port>
 */
const [dir, port] = [process.argv[2]!, Number(process.argv[3])];
const server = createServer((req, res) => {
  const name = path.basename(req.url ?? '/');
  const file = path.join(dir, name);
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': size });
  createReadStream(file).pipe(res);
});
server.listen(port, '127.0.0.1', () => process.stdout.write('ready\n'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
