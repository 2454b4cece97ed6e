import { expect, Page, test } from '@playwright/test';
import { at } from './hosts';
import { signInAfterSignUp } from './accounts';

const ACME = 'acme.localhost';

/** Signs in on the hub through the accounts host's form (the SSO round trip). */
async function signInWithForm(page: Page, email: string, password: string) {
  await page.goto(at(ACME));
  await page.getByRole('link', { name: 'Sign in' }).click();
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(at(ACME, '/'));
}

test('an advocate answers, the marketer approves, the advocate sees points, level, badge and rank', async ({ browser }, testInfo) => {
  const js = testInfo.project.use.javaScriptEnabled !== false;
  const project = testInfo.project.name;
  const title = `Favourite feature (${project} ${Date.now()})`;
  const advocateName = `Ava ${project}`;

  // The marketer sets a challenge.
  const marketerContext = await browser.newContext({ javaScriptEnabled: js });
  const marketer = await marketerContext.newPage();
  await signInWithForm(marketer, 'mia@example.com', 'rally-demo-password');
  await marketer.goto(at(ACME, '/admin/challenges'));
  await marketer.getByLabel('Title').fill(title);
  await marketer.getByLabel('Description (Markdown)').fill('Which **feature** do you use most?');
  await marketer.getByLabel('Kind').selectOption('question');
  await marketer.getByLabel('Points').fill('600');
  await marketer.getByRole('button', { name: 'Create challenge' }).click();
  await expect(marketer.getByTestId('challenge-status')).toHaveText('draft');
  await marketer.getByRole('button', { name: 'Publish' }).click();
  await expect(marketer.getByTestId('challenge-status')).toHaveText('published');

  // A new advocate signs up, joins acme and answers.
  const advocateContext = await browser.newContext({ javaScriptEnabled: js });
  const advocate = await advocateContext.newPage();
  await advocate.goto(at('accounts.localhost', '/signup'));
  await advocate.getByLabel('Your name').fill(advocateName);
  const avaEmail = `ava-${project}-${Date.now()}@example.com`;
  await advocate.getByLabel('Email').fill(avaEmail);
  await advocate.getByLabel('Password').fill('ava-password-123');
  await advocate.getByRole('button', { name: 'Create account' }).click();
  await signInAfterSignUp(advocate, avaEmail, 'ava-password-123');
  await advocate.goto(at(ACME));
  await advocate.getByRole('link', { name: 'Sign in' }).click();
  // Signed up on the accounts host, not a member of acme yet: asked once.
  await advocate.getByRole('button', { name: 'Continue' }).click();
  await advocate.getByRole('button', { name: 'Join Acme Advocates' }).click();
  await expect(advocate.getByTestId('balance')).toHaveText('0');
  await advocate.goto(at(ACME, '/challenges'));
  await advocate.getByRole('link', { name: title }).click();
  await advocate.getByLabel('Your answer').fill('The keyboard shortcuts ⌨️🚀');
  await advocate.getByRole('button', { name: 'Submit' }).click();
  await expect(advocate.getByTestId('notice')).toContainText("waiting for the team's approval");

  // The marketer approves it from the queue.
  await marketer.goto(at(ACME, '/admin/completions'));
  const item = marketer.getByTestId('queue-item').filter({ hasText: advocateName });
  await expect(item.getByTestId('queue-answer')).toHaveText('The keyboard shortcuts ⌨️🚀');
  await item.getByRole('button', { name: 'Approve', exact: true }).click();
  await expect(marketer.getByTestId('notice')).toContainText('Approved');

  // The advocate sees the result everywhere.
  await advocate.goto(at(ACME));
  await expect(advocate.getByTestId('balance')).toHaveText('600');
  await expect(advocate.getByTestId('level-name')).toHaveText('Insider');
  await expect(advocate.getByTestId('level-next')).toHaveText('1400 more points to Champion');
  await advocate.screenshot({ path: `artifacts/dashboard-${project}.png`, fullPage: true });
  await advocate.goto(at(ACME, '/me'));
  await expect(advocate.getByTestId('badges')).toContainText('First challenge');
  await expect(advocate.getByTestId('badges')).toContainText('Reached Insider');
  await expect(advocate.getByTestId('submission-status')).toHaveText('approved');
  await advocate.goto(at(ACME, '/leaderboard?period=month'));
  await expect(advocate.getByTestId('viewer-rank')).toContainText(advocateName);
  await expect(advocate.getByTestId('viewer-rank')).toContainText('600 pts');

  await marketerContext.close();
  await advocateContext.close();
});

test('an advocate cannot open the team pages', async ({ page }) => {
  await signInWithForm(page, 'alice@example.com', 'rally-demo-password');
  for (const path of ['/admin/challenges', '/admin/completions', '/admin/referrals']) {
    const res = await page.goto(at(ACME, path));
    expect(res?.status()).toBe(403);
    await expect(page.getByRole('heading', { name: 'Not allowed' })).toBeVisible();
  }
});
