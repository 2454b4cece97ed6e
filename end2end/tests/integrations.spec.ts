import { expect, test } from '@playwright/test';
import { at } from './hosts';
import { labHost, signedIn } from './lab';

test('an admin connects another system: an API client, an event type, a webhook', async ({ browser }, testInfo) => {
  const host = labHost('integrations', testInfo);
  const admin = await signedIn(browser, testInfo, host, 'owner@example.com');
  await admin.goto(at(host, '/admin'));
  await admin.getByRole('link', { name: 'API clients (admins)' }).click();
  await expect(admin).toHaveURL(at(host, '/admin/api'));

  // A client needs a scope: the form says so and keeps the name.
  await admin.getByLabel('Name', { exact: true }).fill('CRM sync');
  await admin.getByRole('button', { name: 'Create client' }).click();
  await expect(admin.getByTestId('error-scopes')).toContainText('at least one scope');
  await expect(admin.getByLabel('Name', { exact: true })).toHaveValue('CRM sync');
  await admin.getByLabel('Record events (award points)').check();
  await admin.getByRole('button', { name: 'Create client' }).click();
  await expect(admin.getByTestId('api-secret')).toContainText('rsk_');
  const client = admin.getByTestId('api-client').filter({ hasText: 'CRM sync' });
  await expect(client.getByTestId('issuer')).toHaveText(/^[0-9a-f-]{36}\.[0-9a-f-]{36}$/);
  await expect(client.getByTestId('api-key')).toHaveCount(1);
  // Shown once.
  await admin.reload();
  await expect(admin.getByTestId('api-secret')).toHaveCount(0);
  // Rotation's first step: a second secret beside the first.
  await client.getByRole('button', { name: 'Add a secret' }).click();
  await expect(admin.getByTestId('api-secret')).toContainText('rsk_');
  await expect(admin.getByTestId('api-client').filter({ hasText: 'CRM sync' }).getByTestId('api-key')).toHaveCount(2);

  // An event type for the Events API.
  await admin.getByLabel('Type', { exact: true }).fill('Webinar Attended');
  await admin.getByLabel('Points', { exact: true }).fill('25');
  await admin.getByRole('button', { name: 'Add event type' }).click();
  await expect(admin.getByTestId('error-key')).toContainText('lower-case');
  await admin.getByLabel('Type', { exact: true }).fill('webinar.attended');
  await admin.getByRole('button', { name: 'Add event type' }).click();
  await expect(admin.getByTestId('event-types')).toContainText('webinar.attended — 25 points');
  await expect(admin.getByTestId('audit')).toContainText('api_client.create');
  await expect(admin.getByTestId('audit')).toContainText('api_event_type.create');

  // The reference it links to.
  const reference = await admin.getByRole('link', { name: 'API reference' }).getAttribute('href');
  await admin.goto(reference!);
  await expect(admin.getByRole('heading', { name: 'POST /v1/events' })).toBeVisible();

  // A webhook: a private address is refused, a public one kept with its secret shown.
  await admin.goto(at(host, '/admin/webhooks'));
  await admin.getByLabel('URL').fill('http://127.0.0.1:9/hook');
  await admin.getByLabel(/A completion was approved/).check();
  await admin.getByRole('button', { name: 'Add webhook' }).click();
  await expect(admin.getByTestId('error-url')).toContainText('private');
  await expect(admin.getByLabel('URL')).toHaveValue('http://127.0.0.1:9/hook');
  await expect(admin.getByLabel(/A completion was approved/)).toBeChecked();
  await admin.getByLabel('URL').fill('https://93.184.216.34/hooks/rally');
  await admin.getByRole('button', { name: 'Add webhook' }).click();
  await expect(admin.getByTestId('webhook-secret')).toContainText('whsec_');
  await expect(admin.getByTestId('webhook')).toHaveAttribute('data-url', 'https://93.184.216.34/hooks/rally');
  await expect(admin.getByTestId('webhook')).toContainText('completion.approved');
});
