import { KnownLanguage } from "@babelcast/protocol";
import { engineSettingsOf, recognitionCatalogue } from "../../aws/engineCatalogue.js";
import { ApiFailure, badRequest } from "../../services/apiErrors.js";
import { type EngineCatalogue, languagesFor, sessionLanguageGaps } from "../../services/languageCapabilities.js";
import type { BackendDeps } from "../shared/backendDeps.js";
import { type HttpEvent, type HttpResult, json, requireOwner } from "./httpRequest.js";

/** The engine catalogue, or a 503 a person can act on when the engines cannot be asked. */
async function catalogueOf(deps: BackendDeps): Promise<EngineCatalogue> {
  try {
    return await deps.engineCatalogue();
  } catch (err) {
    deps.log.warn("engine catalogue not read", { error: String(err) });
    throw new ApiFailure(
      503,
      "EnginesUnavailable",
      "the translation and speech engines did not say which languages they serve: try again in a moment",
    );
  }
}

/** `GET /languages?source=xx`: what this home can do with each language, from `source` (default en). */
export async function listLanguages(deps: BackendDeps, event: HttpEvent): Promise<HttpResult> {
  await requireOwner(deps, event);
  const source = event.queryStringParameters?.source ?? "en";
  const parsed = KnownLanguage.safeParse(source);
  if (!parsed.success) throw badRequest(`source: ${parsed.error.issues[0]?.message ?? "not a language"}`);
  return json(200, languagesFor(await catalogueOf(deps), parsed.data));
}

/**
 * Refuses (400, nothing created or changed) a session this home cannot serve: a source the
 * recognizer does not hear, or a target the translation engine cannot reach from it. Each
 * line names the language and the missing engine.
 */
export async function requireServableLanguages(
  deps: BackendDeps,
  source: string,
  targets: readonly string[],
): Promise<void> {
  // Without targets only the recognizer matters, and its languages are a setting: no engine is
  // asked, so a session in the source language alone starts even while Translate is unreachable.
  const catalogue = targets.length > 0 ? await catalogueOf(deps) : recognitionCatalogue(engineSettingsOf(deps.config));
  const gaps = sessionLanguageGaps(catalogue, source, targets);
  if (gaps.length > 0) {
    throw new ApiFailure(400, "LanguageUnavailable", `this home cannot serve the session: ${gaps.join("; ")}`);
  }
}
