import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Locator, Page } from "@playwright/test";

const DOC_IMAGES = join(import.meta.dirname, "..", "..", "docs", "images");

/**
 * Writes a screenshot of the real page into docs/images/ when `BABELCAST_DOC_IMAGES=1`
 * (so ordinary runs leave the tree untouched); the docs show what the test saw.
 */
export async function docScreenshot(target: Page | Locator, name: string): Promise<void> {
  if (process.env.BABELCAST_DOC_IMAGES !== "1") return;
  mkdirSync(DOC_IMAGES, { recursive: true });
  await target.screenshot({ path: join(DOC_IMAGES, name), animations: "disabled" });
}
