import AxeBuilder from '@axe-core/playwright';
import { expect, Page, test } from '@playwright/test';
import { at } from './hosts';
import { jsOf, labHost, setBrandColour, signedIn } from './lab';

/** axe-core with the WCAG 2.1 A and AA rules; serious and critical violations fail. */
async function expectAccessible(page: Page, what: string) {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const bad = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => `${n.target.join(' ')} — ${n.failureSummary}`).join('; ')}`);
  expect(bad, `${what}: ${page.url()}`).toEqual([]);
}

// axe runs as a script inside the page, which the JavaScript-off project forbids; the
// server renders the same HTML for both, so one project checks it.
test.beforeEach(async ({}, testInfo) => {
  test.skip(!jsOf(testInfo), 'axe-core needs JavaScript in the page');
});

const ADVOCATE_PAGES = ['/', '/challenges', '/leaderboard', '/rewards', '/me'];
const MARKETER_PAGES = ['/admin', '/admin/challenges', '/admin/completions', '/admin/rewards', '/admin/invitations', '/admin/contacts'];
const ADMIN_PAGES = ['/admin/branding', '/admin/domains', '/admin/levels', '/admin/api', '/admin/webhooks'];

test('the demo hub passes WCAG 2.1 AA: signed out, as an advocate and as a marketer', async ({ browser, page }, testInfo) => {
  // Thirteen pages, each scanned by axe: more than the default 30 s on a busy 2-core machine.
  test.setTimeout(90_000);
  const ACME = 'acme.localhost';
  await page.goto(at(ACME));
  await expectAccessible(page, 'signed out');
  await page.goto(at('accounts.localhost', '/login'));
  await expectAccessible(page, 'sign-in page');
  const advocate = await signedIn(browser, testInfo, ACME, 'alice@example.com');
  for (const path of ADVOCATE_PAGES) {
    await advocate.goto(at(ACME, path));
    await expectAccessible(advocate, 'advocate');
  }
  const marketer = await signedIn(browser, testInfo, ACME, 'mia@example.com');
  for (const path of MARKETER_PAGES) {
    await marketer.goto(at(ACME, path));
    await expectAccessible(marketer, 'marketer');
  }
});

test('a hub with a light and then a dark brand colour passes WCAG 2.1 AA', async ({ browser }, testInfo) => {
  test.setTimeout(180_000);
  // One test for both tones: they share the project's lab hub.
  const host = labHost('a11y', testInfo);
  const admin = await signedIn(browser, testInfo, host, 'owner@example.com');
  const visitor = await (await browser.newContext()).newPage();
  for (const [tone, colour] of [
    ['light', '#fde047'],
    ['dark', '#1e1b4b'],
  ]) {
    await setBrandColour(admin, host, colour);
    for (const path of ['/', ...ADVOCATE_PAGES.slice(1), ...MARKETER_PAGES, ...ADMIN_PAGES]) {
      await admin.goto(at(host, path));
      await expect(admin.getByTestId('hub-header')).toBeVisible();
      await expectAccessible(admin, `${tone} brand, admin`);
    }
    await visitor.goto(at(host));
    await expectAccessible(visitor, `${tone} brand, signed out`);
  }
});
