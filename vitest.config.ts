import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: [
      "{protocol,backend,embedded,listener-web,relay,electron,infra}/{src,test}/**/*.test.{ts,tsx}",
      "scripts/test/**/*.test.ts",
      "e2e/bench/test/**/*.test.ts",
    ],
    environment: "node",
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: integration tests start servers and engines; keep them from starving each other.
    maxWorkers: 2,
  },
});
