import { expect, Page } from '@playwright/test';

/**
 * After "Create account": the same "Check your inbox" page whatever the address (sign-up
 * does not tell whether it had an account), then sign in from it; an SSO round trip the
 * sign-up was part of goes on from there.
 */
export async function signInAfterSignUp(page: Page, email: string, password: string) {
  await expect(page.getByRole('heading', { level: 1, name: 'Check your inbox' })).toBeVisible();
  await page.getByTestId('signup-sent-sign-in').click();
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}
