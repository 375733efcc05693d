import { LANGUAGES, type PollyEngine } from "@babelcast/protocol";

/**
 * Polly's voices as the emulator offers them: one per language of the language table, its
 * Polly voice id (`polly.voiceId`) speaking through that language's eSpeak NG voice
 * (`embedded.espeakVoice`). So the backend asks for the same voice in both modes.
 */

export interface EmulatedVoice {
  readonly id: string;
  readonly languageCode: string;
  readonly languageName: string;
  readonly gender: "Female" | "Male";
  /** Engines the emulator accepts for it: Polly's best engine for the voice, and standard. */
  readonly engines: readonly PollyEngine[];
  readonly espeakVoice: string;
}

/** Polly's genders for the table's voices (DescribeVoices reports one). */
const MALE_VOICES = new Set(["Takumi"]);

export const EMULATED_VOICES: ReadonlyMap<string, EmulatedVoice> = new Map(
  [...LANGUAGES.values()].flatMap((l) =>
    l.polly
      ? [
          [
            l.polly.voiceId,
            {
              id: l.polly.voiceId,
              languageCode: l.polly.languageCode,
              languageName: l.englishName,
              gender: MALE_VOICES.has(l.polly.voiceId) ? "Male" : "Female",
              engines: l.polly.engine === "neural" ? ["neural", "standard"] : ["standard"],
              espeakVoice: l.embedded.espeakVoice,
            },
          ] as const,
        ]
      : [],
  ),
);
