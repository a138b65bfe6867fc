import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, type Browser, type Page } from '@playwright/test';

const here = path.dirname(fileURLToPath(import.meta.url));

/** The signed-in admin's browser state; the default `storageState` of every spec (playwright.config.ts). */
export const ADMIN_STORAGE_STATE = path.join(here, '..', '.data', 'e2e-auth', 'admin.json');

/** A browser state with nobody signed in: `test.use({ storageState: SIGNED_OUT })`. */
export const SIGNED_OUT = { cookies: [], origins: [] };

/** The admin account the harness sets up (scripts/test.ts passes it in the environment). */
export function e2eAdmin(): { username: string; password: string } {
  const username = process.env.E2E_ADMIN_USERNAME ?? 'admin';
  const password = process.env.E2E_ADMIN_PASSWORD;
  if (!password) throw new Error('E2E_ADMIN_PASSWORD is not set: run the browser tests through `npm test -- e2e`');
  return { username, password };
}

/** A fresh browser context signed in through the sign-in page as `username`. Close it when done. */
export async function signInAs(browser: Browser, baseURL: string, username: string, password: string): Promise<Page> {
  const context = await browser.newContext({ baseURL, storageState: SIGNED_OUT, extraHTTPHeaders: { origin: new URL(baseURL).origin } });
  const page = await context.newPage();
  await page.goto('/sign-in');
  await page.getByTestId('sign-in-login').fill(username);
  await page.getByTestId('sign-in-password').fill(password);
  await page.getByTestId('sign-in-submit').click();
  await expect(page.getByTestId('signed-in-user')).toHaveText(username);
  return page;
}
