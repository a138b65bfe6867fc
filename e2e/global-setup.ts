/**
 * Runs once before the specs: signs the admin in and stores the browser state (session cookie) in
 * ADMIN_STORAGE_STATE, which playwright.config.ts makes the default for every spec — pages and the
 * `request` fixture alike — so specs that are not about access run as the admin.
 * On the fresh database scripts/test.ts gives the browser tests, this goes through the first-start
 * page (/setup) exactly as a new installation does; otherwise it signs in.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, expect, type FullConfig } from '@playwright/test';
import { ADMIN_STORAGE_STATE, e2eAdmin } from './auth-helpers';

export default async function globalSetup(config: FullConfig): Promise<void> {
  const use = config.projects[0]!.use;
  const browser = await chromium.launch(use.launchOptions);
  const context = await browser.newContext({ baseURL: use.baseURL });
  const page = await context.newPage();
  const { username, password } = e2eAdmin();
  try {
    await page.goto('/');
    await page.waitForURL(/\/(setup|sign-in)/);
    if (new URL(page.url()).pathname === '/setup') {
      await page.getByTestId('setup-username').fill(username);
      await page.getByTestId('setup-password').fill(password);
      await page.getByTestId('setup-confirm').fill(password);
      await page.getByTestId('setup-submit').click();
    } else {
      await page.getByTestId('sign-in-login').fill(username);
      await page.getByTestId('sign-in-password').fill(password);
      await page.getByTestId('sign-in-submit').click();
    }
    await expect(page.getByTestId('signed-in-role')).toHaveText('admin', { timeout: 60_000 });
    mkdirSync(path.dirname(ADMIN_STORAGE_STATE), { recursive: true });
    await context.storageState({ path: ADMIN_STORAGE_STATE });
  } finally {
    await browser.close();
  }
}
