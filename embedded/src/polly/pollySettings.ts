import { z } from "zod";
import { FaultSettings } from "../faults.js";

export const POLLY_SETTINGS_SECTION = "polly";

/** The `polly` section of the embedded settings. */
export const PollySettings = z.object({
  faults: FaultSettings,
  /** Polly's limits on SynthesizeSpeech text: all characters, and billed (tags excluded). */
  maxTextCharacters: z.number().int().min(1).max(100_000).default(6000),
  maxBilledCharacters: z.number().int().min(1).max(100_000).default(3000),
  /** Longest one synthesis may take before the engine is restarted. */
  engineTimeoutMs: z.number().int().min(100).max(120_000).default(15_000),
  /** eSpeak NG worker threads (each ≈ 50 MB): languages of one segment synthesize in parallel. */
  engineWorkers: z.number().int().min(1).max(8).default(2),
  /** Load eSpeak NG when the server starts rather than on the first request (≈ 0.7 s). */
  warmUp: z.boolean().default(true),
});
export type PollySettings = z.infer<typeof PollySettings>;
