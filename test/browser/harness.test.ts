import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { launchBrowser } from '../harness/browser.js';

const PAGE = `<!doctype html>
<html><body>
  <p id="out">before</p>
  <button id="go" onclick="document.getElementById('out').textContent = 'after'">Go</button>
</body></html>`;

let server: Server;
let baseUrl: string;
let browser: Browser;

beforeAll(async () => {
  server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
});

test('Chromium loads a page and runs its inline script on click', async () => {
  const page = await browser.newPage();
  await page.goto(baseUrl);
  expect(await page.textContent('#out')).toBe('before');
  await page.click('#go');
  expect(await page.textContent('#out')).toBe('after');
  await page.close();
});
