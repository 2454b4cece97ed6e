import { Browser, expect, Page, TestInfo } from '@playwright/test';
import { at } from './hosts';

/**
 * A hub of this test's own whose branding it may change: scripts/e2e-server.sh makes one
 * per purpose and Playwright project (`brand-hydrated`, `a11y-no-js`, …), with the demo's
 * owner (admin), mia (marketer) and alice (advocate) as members.
 */
export function labHost(purpose: 'brand' | 'a11y' | 'integrations', testInfo: TestInfo): string {
  return `${purpose}-${testInfo.project.name}.localhost`;
}

export function jsOf(testInfo: TestInfo): boolean {
  return testInfo.project.use.javaScriptEnabled !== false;
}

/** A new browser context signed in on `host` through the accounts host's form. */
export async function signedIn(browser: Browser, testInfo: TestInfo, host: string, email: string): Promise<Page> {
  const page = await (await browser.newContext({ javaScriptEnabled: jsOf(testInfo) })).newPage();
  await page.goto(at(host));
  await page.getByRole('link', { name: 'Sign in' }).click();
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('rally-demo-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(at(host, '/'));
  return page;
}

/** Sets the hub's brand colour (and clears the accent) through the branding form. */
export async function setBrandColour(admin: Page, host: string, colour: string) {
  await admin.goto(at(host, '/admin/branding'));
  await admin.getByLabel('Brand colour (header and buttons)').fill(colour);
  await admin.getByLabel('Accent colour (links; optional)').fill('');
  await admin.getByRole('button', { name: 'Save' }).click();
  await expect(admin.getByTestId('branding-form').getByTestId('notice')).toHaveText('Saved.');
}
