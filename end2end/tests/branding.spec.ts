import { expect, test } from '@playwright/test';
import { at } from './hosts';
import { jsOf, labHost, signedIn } from './lab';

const LOGO = '../tests/fixtures/logo.png';

test('an admin brands the hub: colours checked for contrast, a logo, the sign-in page', async ({ browser }, testInfo) => {
  const host = labHost('brand', testInfo);
  const admin = await signedIn(browser, testInfo, host, 'owner@example.com');
  await admin.goto(at(host, '/admin/branding'));
  const form = admin.getByTestId('branding-form');

  // No field looks like an error before anyone types.
  for (const input of await form.locator('input[type=text]').all()) {
    await expect(input).not.toHaveAttribute('aria-invalid', 'true');
  }

  // An accent too light to read on white: the ratio is given, what was typed is kept.
  await admin.getByLabel('Hub name').fill('Brand Lab Deluxe');
  await admin.getByLabel('Brand colour (header and buttons)').fill('#1d4ed8');
  await admin.getByLabel('Accent colour (links; optional)').fill('#facc15');
  await admin.getByRole('button', { name: 'Save' }).click();
  await expect(admin.getByTestId('error-accent_color')).toContainText('1.53:1');
  await expect(admin.getByLabel('Accent colour (links; optional)')).toHaveValue('#facc15');
  await expect(admin.getByLabel('Hub name')).toHaveValue('Brand Lab Deluxe');
  await expect(admin.getByLabel('Accent colour (links; optional)')).toHaveAttribute('aria-invalid', 'true');

  // A readable accent; first a preview (nothing saved), then saved.
  await admin.getByLabel('Accent colour (links; optional)').fill('#1e3a8a');
  await admin.getByLabel('Sign-in page text').fill('Welcome back to the lab.');
  await admin.getByRole('button', { name: 'Preview' }).click();
  const preview = admin.getByTestId('branding-preview');
  await expect(preview).toContainText('Brand Lab Deluxe');
  await expect(preview.locator('.bg-brand').first()).toHaveCSS('background-color', 'rgb(29, 78, 216)');
  await expect(admin.getByTestId('preview-contrast')).toContainText('White text on #1d4ed8');
  await admin.goto(at(host, '/'));
  await expect(admin.getByTestId('hub-header')).not.toContainText('Deluxe');
  await admin.goto(at(host, '/admin/branding'));
  await admin.getByLabel('Hub name').fill('Brand Lab Deluxe');
  await admin.getByLabel('Brand colour (header and buttons)').fill('#1d4ed8');
  await admin.getByLabel('Accent colour (links; optional)').fill('#1e3a8a');
  await admin.getByLabel('Sign-in page text').fill('Welcome back to the lab.');
  await admin.getByRole('button', { name: 'Save' }).click();
  await expect(form.getByTestId('notice')).toHaveText('Saved.');

  // A logo, and the sign-in page's image.
  const logo = admin.getByTestId('image-logo');
  await logo.locator('input[type=file]').setInputFiles(LOGO);
  await logo.getByRole('button', { name: 'Upload' }).click();
  await expect(admin.getByTestId('image-logo').getByTestId('notice')).toHaveText('Logo uploaded.');
  const signinImage = admin.getByTestId('image-signin-image');
  await signinImage.locator('input[type=file]').setInputFiles(LOGO);
  await signinImage.getByRole('button', { name: 'Upload' }).click();
  await expect(admin.getByTestId('image-signin-image').getByTestId('notice')).toHaveText('Sign-in page image uploaded.');
  // An SVG is refused, clearly.
  await admin.getByTestId('image-favicon').locator('input[type=file]').setInputFiles({
    name: 'icon.svg',
    mimeType: 'image/svg+xml',
    buffer: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
  });
  await admin.getByTestId('image-favicon').getByRole('button', { name: 'Upload' }).click();
  await expect(admin.getByTestId('image-favicon').getByTestId('error-file')).toContainText('SVG');

  // The hub's header shows the name, colour and logo (the image really loads).
  await admin.goto(at(host, '/'));
  const header = admin.getByTestId('hub-header');
  await expect(header).toContainText('Brand Lab Deluxe');
  await expect(header).toHaveCSS('background-color', 'rgb(29, 78, 216)');
  const img = admin.getByTestId('hub-logo');
  await expect(img).toBeVisible();
  expect(await img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth)).toBe(48);

  // A visitor signing in to the hub sees its colours, text and image on the accounts host.
  const visitor = await (await browser.newContext({ javaScriptEnabled: jsOf(testInfo) })).newPage();
  await visitor.goto(at(host));
  await visitor.getByRole('link', { name: 'Sign in' }).click();
  const card = visitor.getByTestId('sso-hub');
  await expect(card).toContainText('Brand Lab Deluxe');
  await expect(card).toHaveCSS('background-color', 'rgb(29, 78, 216)');
  await expect(visitor.getByTestId('sso-hub-text')).toHaveText('Welcome back to the lab.');
  const signin = visitor.getByTestId('sso-hub-image');
  await expect(signin).toBeVisible();
  expect(await signin.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth)).toBe(48);
});

test('an advocate answers an upload challenge and the marketer sees the file', async ({ browser }, testInfo) => {
  const host = labHost('brand', testInfo);
  const title = `Show your desk (${testInfo.project.name})`;
  const marketer = await signedIn(browser, testInfo, host, 'mia@example.com');
  await marketer.goto(at(host, '/admin/challenges'));
  await marketer.getByLabel('Title').fill(title);
  await marketer.getByLabel('Kind').selectOption('upload');
  await marketer.getByLabel('Points').fill('30');
  await marketer.getByLabel('Submissions need approval').check();
  await marketer.getByRole('button', { name: 'Create challenge' }).click();
  await marketer.getByRole('button', { name: 'Publish' }).click();
  await expect(marketer.getByTestId('challenge-status')).toHaveText('published');

  const advocate = await signedIn(browser, testInfo, host, 'alice@example.com');
  await advocate.goto(at(host, '/challenges'));
  await advocate.getByRole('link', { name: title }).click();
  await advocate.getByLabel('Your file').setInputFiles(LOGO);
  await advocate.getByRole('button', { name: 'Submit' }).click();
  await expect(advocate.getByTestId('notice')).toContainText(/Submitted|Done/);

  await marketer.goto(at(host, '/admin/completions'));
  const row = marketer.getByTestId('queue-item').filter({ hasText: title });
  const file = row.getByTestId('answer-file').locator('img');
  await expect(file).toBeVisible();
  expect(await file.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth)).toBe(48);
});
