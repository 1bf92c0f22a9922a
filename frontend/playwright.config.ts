import { defineConfig } from '@playwright/test';

/**
 * End-to-end tests against the real Parley server (started by e2e/support/globalSetup.ts on a
 * free port, serving this app's dist/), in Debian's Chromium. Build first: `npm run build`.
 * Tests run one at a time: they share the demo users, and the machine has two cores.
 */
export default defineConfig({
  testDir: './e2e',
  outputDir: './e2e/.artifacts',
  globalSetup: './e2e/support/globalSetup.ts',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list']],
  use: {
    baseURL: process.env.PARLEY_BASE_URL,
    actionTimeout: 10_000,
    navigationTimeout: 20_000,
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
});
