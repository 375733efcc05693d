import { defineConfig } from "@playwright/test";
import { chromiumLaunchOptions } from "./e2e/support/chromium.js";

export default defineConfig({
  testDir: "e2e/tests",
  testMatch: "**/*.spec.ts",
  timeout: 90_000,
  fullyParallel: false,
  workers: 1,
  retries: 0,
  outputDir: "test-results/playwright",
  use: {
    headless: true,
    trace: "retain-on-failure",
    launchOptions: chromiumLaunchOptions(),
  },
});
