// The browser tests that need a topology of several hosts (named network namespaces, root only):
// run outside the loopback-only namespace of the main suite, `npx playwright test -c playwright.netns.config.ts`.
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: 'test/netns',
  testMatch: '*.spec.ts',
  workers: 1,
  fullyParallel: false,
  timeout: 120_000,
  expect: { timeout: 15_000 },
  reporter: [['list'], ['json', { outputFile: 'test-results/netns/report.json' }]],
  outputDir: 'test-results/netns',
});
