import { defineConfig } from '@playwright/test';
import { ADMIN_STORAGE_STATE } from './auth-helpers';

const baseURL = process.env.BASE_URL ?? 'http://127.0.0.1:3100';

// Started by scripts/test.ts, which serves the app and a runner and sets BASE_URL / CHROMIUM_PATH.
// Every spec runs signed in as the admin (global-setup.ts); specs about access use auth-helpers.ts.
export default defineConfig({
  globalSetup: './global-setup.ts',
  testDir: '.',
  testMatch: /.*\.spec\.ts/,
  timeout: 120_000,
  expect: { timeout: 20_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list'], ['json']],
  use: {
    baseURL,
    storageState: ADMIN_STORAGE_STATE,
    // The app refuses cookie-authenticated mutations that name no origin (CSRF); browsers send Origin
    // on their own, the `request` fixture does not.
    extraHTTPHeaders: { origin: new URL(baseURL).origin },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'],
    },
  },
  outputDir: '../.data/test-results/playwright',
});
