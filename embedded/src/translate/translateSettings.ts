import { z } from "zod";
import { FaultSettings } from "../faults.js";

export const TRANSLATE_SETTINGS_SECTION = "translate";

/** The `translate` section of the embedded settings. */
export const TranslateSettings = z.object({
  faults: FaultSettings,
  /** Translate's limit on TranslateText input, in UTF-8 bytes. */
  maxTextBytes: z.number().int().min(1).max(100_000).default(10_000),
  /** Longest one Apertium block may take before its pipeline is restarted. */
  engineTimeoutMs: z.number().int().min(100).max(120_000).default(10_000),
  /** Start the pipelines from English to these languages when the server starts. */
  warmLanguages: z.array(z.string()).default(["es"]),
});
export type TranslateSettings = z.infer<typeof TranslateSettings>;
