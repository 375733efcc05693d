import { LANGUAGES, type LanguageAvailability, type LanguagesResponse } from "@babelcast/protocol";

/**
 * The session form's language choices from what the server's engines can do (`GET
 * /languages`). Pure. Before the server has answered (or when it could not), every language
 * is offered as before: the server still refuses a session it cannot serve.
 */

export interface TargetChoice {
  readonly code: string;
  readonly name: string;
  readonly capability: "speech" | "captions" | "unavailable" | "unknown";
  /** What the presenter reads next to the language. */
  readonly label: string;
  /** The missing engine, when there is one. */
  readonly reason?: string;
  readonly disabled: boolean;
}

const LABELS = { speech: "speech", captions: "captions only", unavailable: "not available", unknown: "" } as const;

/** Languages the presenter may speak: those the recognizer hears. */
export function sourceChoices(availability: LanguagesResponse | undefined): { code: string; name: string }[] {
  const all = [...LANGUAGES.values()];
  const heard = availability
    ? all.filter((l) => availability.languages.find((a) => a.code === l.code)?.recognition.available)
    : all;
  return heard.map((l) => ({ code: l.code, name: `${l.englishName} (${l.nativeName})` }));
}

function choice(code: string, entry: LanguageAvailability | undefined): TargetChoice {
  const name = LANGUAGES.get(code)?.englishName ?? code;
  const capability = entry?.capability ?? "unknown";
  return {
    code,
    name,
    capability,
    label: LABELS[capability],
    ...(entry?.reason ? { reason: entry.reason } : {}),
    disabled: capability === "unavailable",
  };
}

/** Every language but the source, with what this home can do for it. */
export function targetChoices(availability: LanguagesResponse | undefined, source: string): TargetChoice[] {
  const current = availability?.source === source ? availability : undefined;
  return [...LANGUAGES.keys()]
    .filter((code) => code !== source)
    .map((code) =>
      choice(
        code,
        current?.languages.find((a) => a.code === code),
      ),
    );
}

/** The chosen targets the home can serve (a language that became unavailable is dropped). */
export function servableTargets(chosen: readonly string[], choices: readonly TargetChoice[]): string[] {
  return chosen.filter((code) => choices.some((c) => c.code === code && !c.disabled));
}

/** A language the presenter may switch the source to mid-session; `reason` says why recognition cannot hear it. */
export interface SourceSwitchChoice {
  readonly code: string;
  readonly name: string;
  readonly reason?: string;
}

/**
 * Every language, each with why this home's recognizer cannot hear it (from `GET /languages`);
 * before the server answered, every language without a reason (the server still refuses).
 */
export function sourceSwitchChoices(availability: LanguagesResponse | undefined): SourceSwitchChoice[] {
  return [...LANGUAGES.values()].map((l) => {
    const reason = availability?.languages.find((a) => a.code === l.code)?.recognition.reason;
    return { code: l.code, name: `${l.englishName} (${l.nativeName})`, ...(reason ? { reason } : {}) };
  });
}
