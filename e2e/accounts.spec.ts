/**
 * Accounts and access in Chromium (issue 12): the admin creates a researcher and an annotator, the
 * researcher launches a run, the annotator cannot (no button, and 403 from the server), a script with a
 * personal token launches through the HTTP API until the token is revoked, sign-out ends the session.
 */
import { expect, request as playwrightRequest, test, type APIRequestContext, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { SIGNED_OUT, signInAs } from './auth-helpers';
import { getRunViaApi, uniqueName } from './helpers';

const suffix = Date.now().toString(36).slice(-5);
const researcher = { username: `res_${suffix}`, password: 'researcher-password-1' };
const annotator = { username: `ann_${suffix}`, password: 'annotator-password-1' };

async function createUserInUi(page: Page, user: { username: string; password: string }, role: string) {
  await page.goto('/admin/users');
  await page.getByTestId('new-user-username').fill(user.username);
  await page.getByTestId('new-user-password').fill(user.password);
  await page.getByTestId('new-user-role').selectOption(role);
  await page.getByTestId('new-user-submit').click();
  await expect(page.getByTestId('create-user-done')).toContainText(`Created ${user.username}`);
  await expect(page.getByTestId(`role-${user.username}`)).toHaveValue(role);
}

type StorageState = Awaited<ReturnType<BrowserContext['storageState']>>;
/** Signed-in states, so each user signs in once (sign-in is throttled per address: 10 per 5 minutes). */
const states = new Map<string, StorageState>();

/** A page signed in as `user`: through the sign-in page the first time, from the stored state after. */
async function pageAs(browser: Browser, baseURL: string, user: { username: string; password: string }): Promise<Page> {
  const state = states.get(user.username);
  if (state) return (await browser.newContext({ baseURL, storageState: state })).newPage();
  const page = await signInAs(browser, baseURL, user.username, user.password);
  states.set(user.username, await page.context().storageState());
  return page;
}

/** A script's HTTP client: no cookies, only the bearer token. */
async function scriptClient(baseURL: string, token: string): Promise<APIRequestContext> {
  return playwrightRequest.newContext({ baseURL, storageState: SIGNED_OUT, extraHTTPHeaders: { authorization: `Bearer ${token}` } });
}

test.describe.configure({ mode: 'serial' });

test('the admin creates a researcher and an annotator', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByTestId('signed-in-role')).toHaveText('admin');
  await expect(page.getByTestId('nav-admin')).toBeVisible();
  await createUserInUi(page, researcher, 'researcher');
  await createUserInUi(page, annotator, 'annotator');
  // a taken user name is refused with the reason
  await page.getByTestId('new-user-username').fill(researcher.username.toUpperCase());
  await page.getByTestId('new-user-password').fill('another-password-1');
  await page.getByTestId('new-user-submit').click();
  await expect(page.getByTestId('create-user-error')).toContainText(`user name "${researcher.username.toUpperCase()}" is taken`);
});

test('the researcher launches a run from the browser; it records who launched it', async ({ browser, baseURL }) => {
  const page = await pageAs(browser, baseURL!, researcher);
  await expect(page.getByTestId('signed-in-role')).toHaveText('researcher');
  await expect(page.getByTestId('nav-admin')).toHaveCount(0);
  await page.getByTestId('launch-run-button').click();
  const name = uniqueName('e2e-researcher');
  await page.getByTestId('launch-name').fill(name);
  await page.getByTestId('launch-config.maxSteps').fill('3');
  await page.getByTestId('launch-submit').click();
  await expect(page).toHaveURL(/\/runs\/(?!new)[^/]+$/);
  await expect(page.getByTestId('run-name')).toHaveText(name);
  await expect(page.getByTestId('run-owner')).toHaveText(researcher.username);
  await expect(page.getByTestId('cancel-run').or(page.getByTestId('clone-run')).first()).toBeVisible();
  // the runs list filters by owner
  await page.goto('/');
  await page.getByTestId('owner-filter').selectOption('me');
  const table = page.getByTestId('runs-table');
  await expect(table.getByRole('link', { name })).toBeVisible();
  await expect(table.getByTestId('run-owner-cell').filter({ hasNotText: researcher.username })).toHaveCount(0);
  await page.getByTestId('owner-filter').selectOption({ label: annotator.username });
  await expect(page.getByTestId('runs-empty-filtered')).toBeVisible();
  await page.context().close();
});

test('the annotator sees no launch controls, and the server refuses a launch with 403', async ({ browser, baseURL, request }) => {
  const page = await pageAs(browser, baseURL!, annotator);
  await expect(page.getByTestId('signed-in-role')).toHaveText('annotator');
  await expect(page.getByTestId('runs-table').or(page.getByTestId('runs-empty'))).toBeVisible();
  await expect(page.getByTestId('nav-launch')).toHaveCount(0);
  await expect(page.getByTestId('launch-run-button')).toHaveCount(0);
  await page.goto('/runs/new');
  await expect(page.getByTestId('forbidden')).toContainText('needs the researcher role');
  await expect(page.getByTestId('launch-form')).toHaveCount(0);
  // a run page shows no cancel / clone buttons to the annotator
  const runs = await request.get(`/api/trpc/run.list?input=${encodeURIComponent(JSON.stringify({ json: { limit: 1 } }))}`);
  const firstRun = (await runs.json()).result.data.json.items[0] as { id: string } | undefined;
  if (firstRun) {
    await page.goto(`/runs/${firstRun.id}`);
    await expect(page.getByTestId('run-name')).toBeVisible();
    await expect(page.getByTestId('clone-run')).toHaveCount(0);
    await expect(page.getByTestId('cancel-run')).toHaveCount(0);
  }
  // the same call the launch form makes, with the annotator's session cookie, from the app's origin
  const res = await page.request.post('/api/trpc/run.launch', { data: { json: { name: uniqueName('e2e-annotator'), kind: 'grpo', backend: 'local', config: { maxSteps: 1 } } } });
  expect(res.status()).toBe(403);
  const body = await res.json();
  expect(body.error.json.message).toBe('run.launch needs the researcher role (allowed: researcher, admin); you are annotator');
  expect(body.error.json.data.requiredRole).toBe('researcher');
  await page.context().close();
});

test('a script launches a run with a personal API token; after revoking it in the browser it gets 401', async ({ browser, baseURL }) => {
  const page = await pageAs(browser, baseURL!, researcher);
  await page.goto('/account');
  await expect(page.getByTestId('account-summary')).toContainText(researcher.username);
  await page.getByTestId('api-token-name').fill('e2e script');
  await page.getByTestId('api-token-create').click();
  const token = (await page.getByTestId('api-token-secret').textContent())!.trim();
  expect(token).toMatch(/^vcp_/);
  const row = page.getByTestId('api-token-row-e2e script');
  await expect(row.getByTestId('api-token-status')).toHaveText('active');
  await expect(row.getByTestId('api-token-last-used')).toHaveText('—');

  const script = await scriptClient(baseURL!, token);
  const name = uniqueName('e2e-script');
  const launched = await script.post('/api/trpc/run.launch', { data: { json: { name, kind: 'grpo', backend: 'local', config: { maxSteps: 2 } } } });
  expect(launched.status(), await launched.text()).toBe(200);
  const id = (await launched.json()).result.data.json.id as string;
  expect((await getRunViaApi(script, id)).name).toBe(name);
  await page.reload();
  await expect(row.getByTestId('api-token-last-used')).not.toHaveText('—');

  await row.getByTestId('api-token-revoke').click();
  await expect(row.getByTestId('api-token-status')).toHaveText('revoked');
  const refused = await script.post('/api/trpc/run.launch', { data: { json: { name: uniqueName('e2e-revoked'), kind: 'grpo', backend: 'local' } } });
  expect(refused.status()).toBe(401);
  expect((await refused.json()).error.json.message).toBe('API token "e2e script" was revoked');
  await script.dispose();
  await page.context().close();
});

test.describe('signed out', () => {
  test.use({ storageState: SIGNED_OUT });

  test('pages redirect to sign-in; a wrong password gets the same message whether the user exists or not', async ({ page }) => {
    await page.goto('/runs/new');
    await expect(page).toHaveURL(/\/sign-in\?next=%2Fruns%2Fnew$/);
    const messages: string[] = [];
    for (const login of [researcher.username, `nobody_${suffix}`]) {
      await page.getByTestId('sign-in-login').fill(login);
      await page.getByTestId('sign-in-password').fill('definitely-wrong-1');
      await page.getByTestId('sign-in-submit').click();
      await expect(page.getByTestId('sign-in-error')).toBeVisible();
      messages.push((await page.getByTestId('sign-in-error').textContent())!);
    }
    expect(messages[0]).toBe('Wrong user name, email or password.');
    expect(messages[1]).toBe(messages[0]);
    // the right password goes on to the page asked for
    await page.getByTestId('sign-in-login').fill(researcher.username);
    await page.getByTestId('sign-in-password').fill(researcher.password);
    await page.getByTestId('sign-in-submit').click();
    await expect(page).toHaveURL(/\/runs\/new$/);
    await expect(page.getByTestId('launch-form')).toBeVisible();
  });

  test('the API answers 401 without a session', async ({ request }) => {
    const res = await request.post('/api/trpc/run.launch', { data: { json: { name: 'anonymous', kind: 'grpo', backend: 'local' } } });
    expect(res.status()).toBe(401);
    expect((await request.get('/api/metrics.csv?runs=x&keys=reward')).status()).toBe(401);
  });
});

test('after sign-out the old session cookie is refused', async ({ browser, baseURL }) => {
  const page = await pageAs(browser, baseURL!, annotator);
  await page.goto('/');
  const saved = await page.context().storageState();
  expect(saved.cookies.find((c) => c.name === 'videocap.session_token')).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
  await page.getByTestId('sign-out').click();
  await expect(page).toHaveURL(/\/sign-in/);
  // replay the cookie from before the sign-out
  const replay = await browser.newContext({ baseURL, storageState: saved });
  const old = await replay.newPage();
  await old.goto('/');
  await expect(old).toHaveURL(/\/sign-in/);
  const api = await old.request.get(`/api/trpc/run.list?input=${encodeURIComponent(JSON.stringify({ json: { limit: 1 } }))}`);
  expect(api.status()).toBe(401);
  await replay.close();
  await page.context().close();
});

test('the researcher changes the password on the account page', async ({ browser, baseURL }) => {
  const page = await pageAs(browser, baseURL!, researcher);
  await page.goto('/account');
  await page.getByTestId('current-password').fill('not-my-password-1');
  await page.getByTestId('new-password').fill('researcher-password-2');
  await page.getByTestId('confirm-password').fill('researcher-password-2');
  await page.getByTestId('change-password-submit').click();
  await expect(page.getByTestId('change-password-error')).toBeVisible();
  await page.getByTestId('current-password').fill(researcher.password);
  await page.getByTestId('change-password-submit').click();
  await expect(page.getByTestId('change-password-done')).toBeVisible();
  await page.context().close();
});

test('the admin adds a runner token from the browser and revokes it', async ({ page, baseURL }) => {
  await page.goto('/admin/runners');
  const node = `gpu-${suffix}`;
  await page.getByTestId('runner-token-name').fill(node);
  await page.getByTestId('runner-token-create').click();
  const token = (await page.getByTestId('runner-token-secret').textContent())!.trim();
  expect(token).toMatch(/^vcr_/);
  const runner = await scriptClient(baseURL!, token);
  const ok = await runner.post('/api/ingest/runs', { data: { name: uniqueName('e2e-runner-token'), kind: 'grpo', backend: 'import', status: 'succeeded' } });
  expect(ok.status(), await ok.text()).toBe(200);
  const row = page.getByTestId(`runner-token-row-${node}`);
  await row.getByTestId('runner-token-revoke').click();
  await expect(row.getByTestId('runner-token-status')).toHaveText('revoked');
  expect((await runner.post('/api/ingest/runs', { data: { name: 'after revoke', kind: 'grpo', backend: 'import' } })).status()).toBe(401);
  await runner.dispose();
});
