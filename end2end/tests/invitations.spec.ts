import { Browser, expect, Page, test } from '@playwright/test';
import { at } from './hosts';
import { signInAfterSignUp } from './accounts';
import { mailedLink } from './mail';

const ACME = 'acme.localhost';

async function marketer(browser: Browser, js: boolean): Promise<Page> {
  const page = await (await browser.newContext({ javaScriptEnabled: js })).newPage();
  await page.goto(at(ACME));
  await page.getByRole('link', { name: 'Sign in' }).click();
  await page.getByLabel('Email').fill('mia@example.com');
  await page.getByLabel('Password').fill('rally-demo-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(at(ACME, '/'));
  return page;
}

async function invite(page: Page, email: string) {
  await page.goto(at(ACME, '/admin/invitations'));
  await page.getByLabel(/Email addresses/).fill(email);
  await page.getByRole('button', { name: 'Send invitations' }).click();
  await expect(page.getByTestId('notice')).toHaveText('Invited 1 address(es).');
}

/** Opens the newest invitation mailed to `email` (read from the mail viewer by the operator). */
async function openInvitation(browser: Browser, page: Page, email: string) {
  await page.goto(await mailedLink(browser, email, 'You are invited to Acme Advocates', /\/invite\?token=/));
  await expect(page.getByRole('heading', { name: 'You are invited to Acme Advocates' })).toBeVisible();
}

test('a brand-new address is invited, signs up through the link and lands in the hub', async ({ browser }, testInfo) => {
  const js = testInfo.project.use.javaScriptEnabled !== false;
  const email = `newbie-${testInfo.project.name}-${Date.now()}@example.com`;
  await invite(await marketer(browser, js), email);

  const page = await (await browser.newContext({ javaScriptEnabled: js })).newPage();
  await openInvitation(browser, page, email);
  await page.getByRole('link', { name: 'Sign up to accept' }).click();
  // The accounts host's sign-up form, branded for the hub.
  await expect(page.getByTestId('sso-hub')).toContainText('Acme Advocates');
  await page.getByLabel('Your name').fill('Nova Newbie');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('nova-password-1');
  await page.getByRole('button', { name: 'Create account' }).click();
  // Signed in on the form branded with acme: no consent question after it.
  await signInAfterSignUp(page, email, 'nova-password-1');
  await page.getByRole('button', { name: 'Accept and join Acme Advocates' }).click();
  await expect(page).toHaveURL(at(ACME, '/'));
  await expect(page.getByTestId('notice')).toHaveText('Welcome to Acme Advocates!');
  await expect(page.getByTestId('member-role')).toContainText('Advocate');
  await expect(page.getByTestId('hub-signed-in-as')).toHaveText('Nova Newbie');
});

test('a member of another hub accepts an invitation without signing up again', async ({ browser }, testInfo) => {
  const js = testInfo.project.use.javaScriptEnabled !== false;
  const email = `globexer-${testInfo.project.name}-${Date.now()}@example.com`;
  const page = await (await browser.newContext({ javaScriptEnabled: js })).newPage();
  // Someone who belongs to globex only.
  await page.goto(at('accounts.localhost', '/signup'));
  await page.getByLabel('Your name').fill('Gil Globex');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('gil-password-12');
  await page.getByRole('button', { name: 'Create account' }).click();
  await signInAfterSignUp(page, email, 'gil-password-12');
  await page.goto(at('globex.localhost'));
  await page.getByRole('link', { name: 'Sign in' }).click();
  // Not a member yet: asked once whether to continue to globex as this account.
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByRole('button', { name: 'Join Globex Insiders' }).click();
  await expect(page.getByTestId('member-role')).toBeVisible();

  await invite(await marketer(browser, js), email);
  await openInvitation(browser, page, email);
  // An account exists: sign in, which the accounts session makes a single click.
  await page.getByRole('link', { name: 'Sign in to accept' }).click();
  // Signed in on the accounts host already, but not a member of acme: asked once.
  await expect(page.getByTestId('consent-question')).toContainText('Continue to Acme Advocates');
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByRole('button', { name: 'Accept and join Acme Advocates' }).click();
  await expect(page.getByTestId('member-role')).toContainText('Advocate');
  await page.goto(at('accounts.localhost'));
  await expect(page.getByTestId('my-hubs')).toContainText('Acme Advocates');
  await expect(page.getByTestId('my-hubs')).toContainText('Globex Insiders');
});
