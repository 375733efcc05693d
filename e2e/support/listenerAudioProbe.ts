import { expect, type Page } from "@playwright/test";
import { receivedEnergy } from "./listenerMaster.js";

/** RMS above this in the received track counts as hearing the presenter's tone. */
export const AUDIBLE_RMS = 0.05;

export async function expectAudible(page: Page, within = 10_000): Promise<void> {
  await expect.poll(() => receivedEnergy(page), { timeout: within, intervals: [100] }).toBeGreaterThan(AUDIBLE_RMS);
}
