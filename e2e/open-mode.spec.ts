/**
 * AUTH_MODE=open in Chromium: a second server from the same build, on a free port, with accounts
 * off. No sign-in, every page says so, anyone launches; a cross-site POST is still refused.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { SIGNED_OUT } from './auth-helpers';
import { uniqueName } from './helpers';

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
let server: ChildProcess;
let output = '';
let port = 0;
let openUrl = '';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

test.use({ storageState: SIGNED_OUT, extraHTTPHeaders: {} });

test.beforeAll(async () => {
  port = await freePort();
  openUrl = `http://127.0.0.1:${port}`;
  server = spawn(path.join(ROOT, 'node_modules', '.bin', 'next'), ['start', '-p', String(port), '-H', '127.0.0.1'], {
    cwd: ROOT,
    env: { ...process.env, AUTH_MODE: 'open', PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  server.stdout?.on('data', (b: Buffer) => (output += b.toString()));
  server.stderr?.on('data', (b: Buffer) => (output += b.toString()));
  await expect
    .poll(async () => (await fetch(`${openUrl}/api/health`).then((r) => r.status, () => 0)), { timeout: 90_000, message: `open-mode server did not start:\n${output}` })
    .toBe(200);
});

test.afterAll(async () => {
  if (server?.pid) {
    try {
      process.kill(-server.pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
  }
});

test('open mode: no sign-in, a notice on every page, anyone may launch, cross-site POSTs refused', async ({ page, playwright }) => {
  const request = await playwright.request.newContext({ baseURL: openUrl, storageState: SIGNED_OUT, extraHTTPHeaders: {} });
  for (const p of ['/', '/runs/new', '/compare']) {
    await page.goto(`${openUrl}${p}`);
    await expect(page).toHaveURL(`${openUrl}${p}`);
    await expect(page.getByTestId('open-mode-banner')).toContainText('Open mode (AUTH_MODE=open)');
  }
  await expect(page.getByTestId('user-menu')).toHaveCount(0);
  await expect(page.getByTestId('nav-launch')).toBeVisible();

  const name = uniqueName('e2e-open');
  const ok = await request.post('/api/trpc/run.launch', { data: { json: { name, kind: 'sft', backend: 'swift', config: { maxSteps: 1 } } } });
  expect(ok.status(), await ok.text()).toBe(200);
  const id = (await ok.json()).result.data.json.id as string;
  expect((await request.post('/api/trpc/run.cancel', { data: { json: { id } } })).status()).toBe(200);

  const csrf = await request.post('/api/trpc/run.launch', {
    headers: { origin: 'http://evil.example' },
    data: { json: { name: uniqueName('e2e-open-csrf'), kind: 'sft', backend: 'swift' } },
  });
  expect(csrf.status()).toBe(403);
  expect((await request.get('/api/auth/get-session')).status()).toBe(404);
  await request.dispose();
});
