// Browser end-to-end tests against the real edge. Run the whole suite inside a loopback-only
// network namespace (npm run test:e2e does) so media never leaves `lo`.
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: 'test/e2e',
  testMatch: '*.spec.ts',
  globalSetup: './test/e2e/global-setup.ts',
  // Parties share one edge and one owner tab: one test at a time.
  workers: 1,
  fullyParallel: false,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list']],
  outputDir: 'test-results',
});
