import { expect, test } from '@playwright/test';
import { at } from './hosts';

const hubs = [
  { host: 'acme.localhost', name: 'Acme Advocates', color: 'rgb(225, 29, 72)', shot: 'acme' },
  { host: 'globex.localhost', name: 'Globex Insiders', color: 'rgb(13, 148, 136)', shot: 'globex' },
  // The same hub on its custom domain (mapped to loopback by --host-resolver-rules).
  { host: 'hub.globex.test', name: 'Globex Insiders', color: 'rgb(13, 148, 136)', shot: 'globex-custom-domain' },
];

for (const hub of hubs) {
  test(`${hub.host} shows its own name and colour`, async ({ page }, testInfo) => {
    const res = await page.goto(at(hub.host));
    expect(res?.status()).toBe(200);
    await expect(page.getByRole('heading', { level: 1, name: hub.name })).toBeVisible();
    await expect(page).toHaveTitle(new RegExp(hub.name));
    const header = page.getByTestId('hub-header');
    await expect(header).toContainText(hub.name);
    await expect(header).toHaveCSS('background-color', hub.color);
    // No other tenant's branding leaks onto the page.
    const other = hub.name.startsWith('Acme') ? 'Globex' : 'Acme';
    await expect(page.getByText(other)).toHaveCount(0);

    const path = testInfo.outputPath(`${hub.shot}-${testInfo.project.name}.png`);
    await page.screenshot({ path, fullPage: true });
    await testInfo.attach(`${hub.shot} hub`, { path, contentType: 'image/png' });
    await page.screenshot({ path: `artifacts/${hub.shot}-${testInfo.project.name}.png`, fullPage: true });
  });
}

test('the welcome banner can be dismissed once the page is hydrated', async ({ page }, testInfo) => {
  await page.goto(at('acme.localhost'));
  const banner = page.getByRole('region', { name: 'Welcome' });
  await expect(banner).toBeVisible();
  const dismiss = page.getByRole('button', { name: 'Dismiss welcome message' });
  if (testInfo.project.name === 'no-js') {
    // Without JavaScript there is nothing to run the button, so it is not offered.
    await expect(dismiss).toBeHidden();
    return;
  }
  await expect(banner).toHaveAttribute('data-hydrated', 'true');
  await dismiss.click();
  await expect(banner).toHaveCount(0);
  // Still the same page: hydration did not re-render it from scratch.
  await expect(page.getByRole('heading', { level: 1, name: 'Acme Advocates' })).toBeVisible();
});

test('the accounts host shows the landing page', async ({ page }) => {
  const res = await page.goto('/');
  expect(res?.status()).toBe(200);
  await expect(page.getByRole('heading', { level: 1, name: 'One account for every advocate hub' })).toBeVisible();
});

test('an unknown host gets a plain 404, never a default hub', async ({ page }) => {
  for (const host of ['nowhere.test', 'nobody.localhost']) {
    const res = await page.goto(at(host));
    expect(res?.status()).toBe(404);
    await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
    await expect(page.getByText('Acme')).toHaveCount(0);
  }
});

test('an unknown path on a hub is a 404 page', async ({ page }) => {
  const res = await page.goto(at('acme.localhost', '/no/such/page'));
  expect(res?.status()).toBe(404);
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
});
