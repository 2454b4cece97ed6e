import { defineConfig } from '@playwright/test';

// Port of the throw-away server scripts/e2e-server.sh starts (fresh SQLite, demo seeded).
export const port = Number(process.env.RALLY_E2E_PORT ?? 3100);

export default defineConfig({
  testDir: './tests',
  outputDir: './test-results',
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: true,
  workers: 2,
  forbidOnly: !!process.env.CI,
  reporter: [['list']],
  use: {
    // Hubs are told apart by host, so tests build URLs per host (see tests/hosts.ts); this
    // base is the accounts host.
    baseURL: `http://accounts.localhost:${port}`,
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      // Debian's Chromium: Playwright's own browser download is not available here.
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        // Custom domains (hub.globex.test) resolve to this machine; *.localhost already does.
        '--host-resolver-rules=MAP *.test 127.0.0.1',
      ],
    },
  },
  // Every test runs twice: hydrated, and with JavaScript off (pages must work without it).
  projects: [
    { name: 'hydrated', use: { javaScriptEnabled: true } },
    { name: 'no-js', use: { javaScriptEnabled: false } },
  ],
  webServer: {
    command: 'bash scripts/e2e-server.sh',
    cwd: '..',
    port,
    timeout: 120_000,
    reuseExistingServer: false,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
