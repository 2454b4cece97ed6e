import { expect, Page, test } from '@playwright/test';
import { at } from './hosts';
import { signInAfterSignUp } from './accounts';
import { mailedLink } from './mail';

const ACCOUNTS = 'accounts.localhost';

/** A fresh address per test and project (the suite runs hydrated and without JavaScript). */
function newEmail(prefix: string, project: string): string {
  return `${prefix}-${project}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
}

async function signUp(page: Page, name: string, email: string, password: string) {
  await page.goto(at(ACCOUNTS, '/signup'));
  await page.getByLabel('Your name').fill(name);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await signInAfterSignUp(page, email, password);
  await expect(page.getByRole('heading', { level: 1, name: 'My hubs' })).toBeVisible();
}

/**
 * Clicks the hub's "Sign in" and expects to come back signed in, without a form; when
 * `consent` names the hub, the accounts host first asks "Continue to <hub> as <email>?".
 */
async function signInToHub(page: Page, host: string, name: string, consent?: { hub: string; email: string }) {
  await page.goto(at(host));
  await page.getByRole('link', { name: 'Sign in' }).click();
  if (consent) {
    await expect(page).toHaveURL(/accounts\.localhost:\d+\/sso\/consent\?/);
    await expect(page.getByTestId('consent-question')).toHaveText(`Continue to ${consent.hub} as ${consent.email}?`);
    await page.getByRole('button', { name: 'Continue' }).click();
  }
  await expect(page).toHaveURL(at(host, '/'));
  await expect(page.getByTestId('hub-signed-in-as')).toHaveText(name);
}

async function expectSignedOut(page: Page, host: string) {
  await page.goto(at(host));
  await expect(page.getByRole('link', { name: 'Sign in' })).toBeVisible();
  await expect(page.getByTestId('hub-signed-in-as')).toHaveCount(0);
}

test('sign up, join a hub, then every hub signs in without the password; sign-out ends all', async ({ page }, testInfo) => {
  const name = `Sam ${testInfo.project.name} 🚀`;
  const email = newEmail('sam', testInfo.project.name);
  await signUp(page, name, email, 'correct-horse-battery');
  await expect(page.getByTestId('no-hubs')).toBeVisible();

  // acme: one click, no typing, after saying yes to it once; then join it.
  await signInToHub(page, 'acme.localhost', name, { hub: 'Acme Advocates', email });
  await page.getByRole('button', { name: 'Join Acme Advocates' }).click();
  await expect(page.getByTestId('notice')).toHaveText('Welcome to Acme Advocates!');
  await expect(page.getByTestId('member-role')).toContainText('Advocate');
  await page.goto(at(ACCOUNTS));
  await expect(page.getByTestId('my-hubs')).toContainText('Acme Advocates');

  // globex on its subdomain and on its custom domain: signed in by ticket, no form; asked
  // once for the hub, not again on its other domain.
  await signInToHub(page, 'globex.localhost', name, { hub: 'Globex Insiders', email });
  await expect(page.getByRole('button', { name: 'Join Globex Insiders' })).toBeVisible();
  await signInToHub(page, 'hub.globex.test', name);
  await page.screenshot({ path: `artifacts/signed-in-custom-domain-${testInfo.project.name}.png`, fullPage: true });

  // Sign out on one hub: every other hub and the accounts host are signed out too.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('link', { name: 'Sign in' })).toBeVisible();
  await expectSignedOut(page, 'acme.localhost');
  await expectSignedOut(page, 'globex.localhost');
  await page.goto(at(ACCOUNTS));
  await expect(page.getByRole('heading', { level: 1, name: 'One account for every advocate hub' })).toBeVisible();
});

test('saying no to a hub you do not belong to leaves you signed out there; it asks again', async ({ page }, testInfo) => {
  const email = newEmail('nora', testInfo.project.name);
  await signUp(page, 'Nora No', email, 'nora-password-12');
  await page.goto(at('globex.localhost'));
  await page.getByRole('link', { name: 'Sign in' }).click();
  await expect(page.getByTestId('consent-question')).toHaveText(`Continue to Globex Insiders as ${email}?`);
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page).toHaveURL(at('globex.localhost', '/'));
  await expect(page.getByRole('link', { name: 'Sign in' })).toBeVisible();
  await expect(page.getByTestId('hub-signed-in-as')).toHaveCount(0);
  // Not remembered: the next sign-in asks again.
  await page.getByRole('link', { name: 'Sign in' }).click();
  await expect(page.getByTestId('consent-question')).toBeVisible();
});

test('a new account confirms its address from the mailed link', async ({ page, browser }, testInfo) => {
  const email = newEmail('cora', testInfo.project.name);
  await signUp(page, 'Cora Confirm', email, 'cora-password-12');
  await page.goto(await mailedLink(browser, email, 'Confirm your email address', /\/verify\?token=/));
  await expect(page.getByRole('heading', { name: 'Your email address is confirmed' })).toBeVisible();
  // The link works once.
  await page.reload();
  await expect(page.getByRole('heading', { name: 'This confirmation link is not valid' })).toBeVisible();
});

test('signing in from a hub shows its branding and returns to it', async ({ page }) => {
  await page.goto(at('acme.localhost'));
  await page.getByRole('link', { name: 'Sign in' }).click();
  // The accounts host's form, branded for the hub it was reached from.
  await expect(page).toHaveURL(/accounts\.localhost:\d+\/login\?host=acme\.localhost/);
  const hub = page.getByTestId('sso-hub');
  await expect(hub).toContainText('Acme Advocates');
  await expect(hub).toHaveCSS('background-color', 'rgb(225, 29, 72)');

  // A wrong password first: the generic error, the email kept.
  await page.getByLabel('Email').fill('alice@example.com');
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('form-error')).toHaveText('That email and password do not match an account.');
  await expect(page.getByLabel('Email')).toHaveValue('alice@example.com');
  await expect(page.getByTestId('sso-hub')).toContainText('Acme Advocates');

  await page.getByLabel('Password').fill('rally-demo-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(at('acme.localhost', '/'));
  await expect(page.getByTestId('hub-signed-in-as')).toHaveText('Alice Advocate');
  await expect(page.getByTestId('member-role')).toContainText('Advocate');
});

test('password reset through the mail viewer', async ({ page, browser }, testInfo) => {
  const email = newEmail('rita', testInfo.project.name);
  await signUp(page, 'Rita Reset', email, 'first-password-1');
  await page.getByRole('button', { name: 'Sign out' }).click();

  await page.goto(at(ACCOUNTS, '/password/forgot'));
  await page.getByLabel('Email').fill(email);
  await page.getByRole('button', { name: 'Send reset link' }).click();
  await expect(page.getByTestId('notice')).toContainText('If an account uses that address');

  await page.goto(await mailedLink(browser, email, 'Reset your Rally password', /password\/reset\?token=/));

  await expect(page.getByRole('heading', { name: 'Choose a new password' })).toBeVisible();
  await page.getByLabel('New password').fill('short');
  await page.getByRole('button', { name: 'Set new password' }).click();
  await expect(page.getByTestId('error-password')).toHaveText('use at least 10 characters');
  await page.getByLabel('New password').fill('second-password-2');
  await page.getByRole('button', { name: 'Set new password' }).click();
  await expect(page.getByTestId('notice')).toContainText('Your password was changed');

  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('second-password-2');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'My hubs' })).toBeVisible();
});
