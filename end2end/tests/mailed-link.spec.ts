import { Browser, expect, Page, test } from '@playwright/test';
import { at } from './hosts';
import { signInAfterSignUp } from './accounts';

const ACME = 'acme.localhost';
const PASSWORD = 'rally-demo-password';

/** A demo advocate of acme used by no other spec (sign-ins are rate-limited per account),
 *  one per project so the hydrated and JavaScript-off runs do not share a budget. */
function advocate(project: string, n: number): string {
  const base = project === 'no-js' ? 30 : 20;
  return `advocate${base + n}@example.com`;
}

/** The address of one of acme's published challenges, as a mail would link to it. */
async function challengeLink(browser: Browser, js: boolean, email: string): Promise<{ url: string; title: string }> {
  const context = await browser.newContext({ javaScriptEnabled: js });
  const page = await context.newPage();
  await page.goto(at(ACME));
  await page.getByRole('link', { name: 'Sign in' }).click();
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.goto(at(ACME, '/challenges'));
  const link = page.getByTestId('challenge-card').first().getByRole('link');
  const title = (await link.textContent())!.trim();
  const href = (await link.getAttribute('href'))!;
  await context.close();
  return { url: at(ACME, href), title };
}

async function expectOnChallenge(page: Page, url: string, title: string) {
  await expect(page).toHaveURL(url);
  await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();
}

test('a signed-out visitor opening a mailed challenge link signs in and lands on that challenge', async ({ browser, page }, testInfo) => {
  const js = testInfo.project.use.javaScriptEnabled !== false;
  const { url, title } = await challengeLink(browser, js, advocate(testInfo.project.name, 1));

  await page.goto(url);
  // The accounts host's sign-in form, for this hub.
  await expect(page).toHaveURL(/accounts\.localhost:\d+\/login\?/);
  await page.getByLabel('Email').fill(advocate(testInfo.project.name, 2));
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expectOnChallenge(page, url, title);
});

test('a signed-in non-member lands on join and, after joining, on that challenge', async ({ browser, page }, testInfo) => {
  const js = testInfo.project.use.javaScriptEnabled !== false;
  const { url, title } = await challengeLink(browser, js, advocate(testInfo.project.name, 3));
  const project = testInfo.project.name;
  const email = `nm-${project}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;

  await page.goto(at('accounts.localhost', '/signup'));
  await page.getByLabel('Your name').fill(`Nia ${project}`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('correct-horse-battery');
  await page.getByRole('button', { name: 'Create account' }).click();
  await signInAfterSignUp(page, email, 'correct-horse-battery');
  await expect(page.getByRole('heading', { level: 1, name: 'My hubs' })).toBeVisible();

  await page.goto(url);
  // Signed in on the accounts host, never in acme: asked once whether to continue there.
  await expect(page.getByTestId('consent-question')).toContainText('Continue to Acme Advocates');
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page).toHaveURL(/acme\.localhost:\d+\/join\?return_to=/);
  await expect(page.getByRole('heading', { level: 1, name: 'Join Acme Advocates' })).toBeVisible();
  await page.getByRole('button', { name: 'Join Acme Advocates' }).click();
  await expectOnChallenge(page, url, title);
});
