import { Browser, expect, Page, test } from '@playwright/test';
import { at } from './hosts';
import { jsOf } from './lab';

const ACCOUNTS = 'accounts.localhost';

async function signInOnAccounts(browser: Browser, js: boolean, email: string): Promise<Page> {
  const page = await (await browser.newContext({ javaScriptEnabled: js })).newPage();
  await page.goto(at(ACCOUNTS, '/login'));
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('rally-demo-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('signed-in-as')).toBeVisible();
  return page;
}

test('an operator creates and suspends a hub from the console, and it is audited', async ({ browser }, testInfo) => {
  const js = jsOf(testInfo);
  const slug = `console-${testInfo.project.name}-${Date.now() % 1_000_000}`;
  const ops = await signInOnAccounts(browser, js, 'ops@example.com');
  await ops.goto(at(ACCOUNTS, '/platform'));
  await expect(ops.getByRole('heading', { level: 1, name: 'Platform' })).toBeVisible();
  await expect(ops.getByTestId('shard-row').first()).toContainText(' ms');

  const create = ops.locator('form[action="/platform/tenants"]');
  await create.getByLabel('Slug').fill(slug);
  await create.getByLabel('Name').fill('Made in the console');
  await create.getByRole('button', { name: 'Create tenant' }).click();
  await expect(ops.getByTestId('notice')).toHaveText(`Created ${slug}.`);

  const row = ops.locator(`tr[data-slug="${slug}"]`);
  await row.getByLabel(`New status of ${slug}`).selectOption('suspended');
  await row.getByRole('button', { name: `Set the status of ${slug}` }).click();
  await expect(ops.getByTestId('notice')).toHaveText(`${slug} is now suspended.`);
  await expect(ops.locator(`tr[data-slug="${slug}"]`).getByTestId('tenant-status')).toHaveText('suspended');

  // Its members (and anyone) see a page that says so.
  const visitor = await (await browser.newContext({ javaScriptEnabled: js })).newPage();
  const res = await visitor.goto(at(`${slug}.localhost`));
  expect(res?.status()).toBe(403);
  await expect(visitor.getByRole('heading', { name: 'This hub is suspended' })).toBeVisible();

  // Both actions are in the audit log, with the operator and a request id.
  const audit = ops.getByTestId('audit-row').filter({ hasText: slug });
  await expect(audit.filter({ hasText: 'tenant.create' })).toContainText('ops@example.com');
  await expect(audit.filter({ hasText: 'tenant.status' })).toContainText('suspended');
});

test('the console answers 403 to anyone but an operator, page and actions', async ({ browser }, testInfo) => {
  const js = jsOf(testInfo);
  const anonymous = await (await browser.newContext({ javaScriptEnabled: js })).newPage();
  expect((await anonymous.goto(at(ACCOUNTS, '/platform')))?.status()).toBe(403);
  const alice = await signInOnAccounts(browser, js, 'alice@example.com');
  const res = await alice.goto(at(ACCOUNTS, '/platform'));
  expect(res?.status()).toBe(403);
  await expect(alice.getByRole('heading', { name: 'Not allowed' })).toBeVisible();
  // A form post of the console, sent with alice's session (Node cannot resolve
  // *.localhost, so it goes to the address with the host named in the header).
  const port = new URL(at(ACCOUNTS)).port;
  const cookies = (await alice.context().cookies(at(ACCOUNTS)))
    .map((c) => `${c.name}=${c.value}`)
    .join('; ');
  const post = await alice.request.post(`http://127.0.0.1:${port}/platform/tenants/acme/status`, {
    form: { status: 'suspended' },
    headers: { host: `${ACCOUNTS}:${port}`, origin: `http://${ACCOUNTS}:${port}`, cookie: cookies },
    maxRedirects: 0,
  });
  expect(post.status()).toBe(403);
  // Acme is untouched.
  expect((await anonymous.goto(at('acme.localhost')))?.status()).toBe(200);
});
