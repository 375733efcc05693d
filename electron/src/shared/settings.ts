import { z } from "zod";

/**
 * Console settings: what main persists as JSON in userData (and the browser build keeps in
 * localStorage). Every field has a default so an old or damaged file still loads.
 */
export const AudioSettings = z.object({
  /** `MediaDeviceInfo.deviceId`; empty = the system default input. */
  deviceId: z.string().max(512).default(""),
  /** Channel choice on a multichannel interface: "1", "2", … or a pair "1+2", "3+4". */
  channel: z
    .string()
    .regex(/^\d{1,2}(\+\d{1,2})?$/)
    .default("1"),
  /** Input gain in dB, applied after the channel pick. */
  gainDb: z.number().min(-24).max(24).default(0),
  /** Hear the input on this computer's output (headphones). */
  monitor: z.boolean().default(false),
  // Browser voice processing is for laptop microphones; a pro interface wants it off.
  echoCancellation: z.boolean().default(false),
  noiseSuppression: z.boolean().default(false),
  autoGainControl: z.boolean().default(false),
});
export type AudioSettings = z.infer<typeof AudioSettings>;

export const SpeechSettings = z.object({
  /** Mix the floor (original) audio under the synthesized speech of each language. */
  floorMix: z.boolean().default(true),
  /** Floor level under speech, dB (negative). */
  duckDb: z.number().min(-60).max(0).default(-18),
  /** Floor level between utterances, dB. */
  floorDb: z.number().min(-60).max(0).default(-6),
});
export type SpeechSettings = z.infer<typeof SpeechSettings>;

export const ConsoleSettings = z.object({
  version: z.literal(1).default(1),
  audio: AudioSettings.default(AudioSettings.parse({})),
  speech: SpeechSettings.default(SpeechSettings.parse({})),
  /** The last session form's choices, to prefill the next one. */
  lastSession: z
    .object({
      sourceLanguage: z.string().max(8).default("en"),
      targetLanguages: z.array(z.string().max(8)).max(20).default([]),
      audioCapacity: z.number().int().min(0).max(10_000).default(100),
    })
    .default({ sourceLanguage: "en", targetLanguages: [], audioCapacity: 100 }),
  /** Config document of a cloud deployment (the embedded server passes its own URL instead). */
  configUrl: z.union([z.url(), z.literal("")]).default(""),
  showDiagnostics: z.boolean().default(false),
});
export type ConsoleSettings = z.infer<typeof ConsoleSettings>;

/** A partial update from the renderer: top-level sections are merged one level deep. */
export type SettingsPatch = {
  [K in keyof ConsoleSettings]?: ConsoleSettings[K] extends object
    ? ConsoleSettings[K] extends unknown[]
      ? ConsoleSettings[K]
      : Partial<ConsoleSettings[K]>
    : ConsoleSettings[K];
};

export const DEFAULT_SETTINGS: ConsoleSettings = ConsoleSettings.parse({});

/** Reads stored settings leniently: a field that fails validation falls back to its default. */
export function parseStoredSettings(raw: unknown): ConsoleSettings {
  const whole = ConsoleSettings.safeParse(raw);
  if (whole.success) return whole.data;
  if (typeof raw !== "object" || raw === null) return DEFAULT_SETTINGS;
  const out: Record<string, unknown> = {};
  const shape = ConsoleSettings.shape;
  for (const key of Object.keys(shape) as (keyof typeof shape)[]) {
    const field = shape[key].safeParse((raw as Record<string, unknown>)[key]);
    if (field.success) out[key] = field.data;
    else if (key === "audio" || key === "speech")
      out[key] = mergeSection(key === "audio" ? AudioSettings : SpeechSettings, (raw as Record<string, unknown>)[key]);
  }
  return ConsoleSettings.parse(out);
}

function mergeSection(schema: typeof AudioSettings | typeof SpeechSettings, raw: unknown): unknown {
  if (typeof raw !== "object" || raw === null) return undefined;
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(schema.shape)) {
    const parsed = (field as z.ZodType).safeParse((raw as Record<string, unknown>)[key]);
    if (parsed.success) out[key] = parsed.data;
  }
  return out;
}

/** Applies a renderer's patch; throws a ZodError when the result is not valid settings. */
export function applySettingsPatch(current: ConsoleSettings, patch: unknown): ConsoleSettings {
  if (typeof patch !== "object" || patch === null || Array.isArray(patch))
    throw new Error("settings patch must be an object");
  const merged: Record<string, unknown> = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    if (!(key in ConsoleSettings.shape)) throw new Error(`unknown setting "${key}"`);
    const old = (current as Record<string, unknown>)[key];
    merged[key] =
      typeof value === "object" && value !== null && !Array.isArray(value) && typeof old === "object" && old !== null
        ? { ...old, ...value }
        : value;
  }
  return ConsoleSettings.parse(merged);
}
