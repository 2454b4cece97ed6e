import { Browser, expect } from '@playwright/test';
import { at } from './hosts';

const ACCOUNTS = 'accounts.localhost';

/**
 * The address of a link in the newest mail to `to`, read from the development mail viewer.
 * The viewer is for platform operators only, so the demo operator reads it, in a browser
 * context of its own; the caller's page stays whoever it was.
 */
export async function mailedLink(browser: Browser, to: string, subject: string, link: RegExp): Promise<string> {
  const context = await browser.newContext();
  const ops = await context.newPage();
  await ops.goto(at(ACCOUNTS, '/login'));
  await ops.getByLabel('Email').fill('ops@example.com');
  await ops.getByLabel('Password').fill('rally-demo-password');
  await ops.getByRole('button', { name: 'Sign in' }).click();
  await expect(ops.getByRole('heading', { level: 1, name: 'My hubs' })).toBeVisible();
  const mail = ops.getByTestId('mail').filter({ hasText: to }).first();
  // The sender delivers within a second or so: look again until it is there.
  await expect(async () => {
    await ops.goto(at(ACCOUNTS, '/dev/mail'));
    await expect(mail).toContainText(subject, { timeout: 1000 });
  }).toPass({ timeout: 15_000 });
  const href = await mail.getByRole('link', { name: link }).first().getAttribute('href');
  await context.close();
  expect(href).toBeTruthy();
  return href!;
}
