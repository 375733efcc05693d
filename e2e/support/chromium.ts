import { existsSync } from "node:fs";

/** Debian's Chromium when present (no browser download on these machines); Playwright's own otherwise. */
export const SYSTEM_CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Launch flags every browser test uses (see the developers' guide for why each is there). */
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

/** Launch options for Playwright: the system Chromium plus the base flags and any extra ones. */
export function chromiumLaunchOptions(extraArgs: readonly string[] = []): {
  executablePath?: string;
  args: string[];
} {
  return {
    ...(existsSync(SYSTEM_CHROMIUM) ? { executablePath: SYSTEM_CHROMIUM } : {}),
    args: [...CHROMIUM_ARGS, ...extraArgs],
  };
}
