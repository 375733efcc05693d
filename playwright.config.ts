import { existsSync } from "node:fs";
import { defineConfig } from "@playwright/test";

/** Debian's Chromium when present (no browser download here); Playwright's own otherwise. */
const systemChromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--autoplay-policy=no-user-gesture-required",
  "--allow-loopback-in-peer-connection",
  "--use-fake-ui-for-media-stream",
];

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
    launchOptions: {
      ...(existsSync(systemChromium) ? { executablePath: systemChromium } : {}),
      args: CHROMIUM_ARGS,
    },
  },
});
