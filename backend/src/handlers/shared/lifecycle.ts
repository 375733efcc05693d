import type { SessionLifecycleEvent } from "@babelcast/protocol";
import type { SessionRecord } from "../../services/sessionRecords.js";
import type { BackendDeps } from "./backendDeps.js";

/** Announces a session's new state to integrations; a failure is logged, never fails the request. */
export async function announceLifecycle(
  deps: BackendDeps,
  session: SessionRecord,
  type: SessionLifecycleEvent["type"],
  reason?: SessionLifecycleEvent["reason"],
): Promise<void> {
  try {
    await deps.lifecycle.publish({
      version: 1,
      type,
      sessionId: session.sessionId,
      at: deps.now(),
      ownerId: session.ownerId,
      sourceLanguage: session.sourceLanguage,
      targetLanguages: [...session.targetLanguages],
      ...(reason ? { reason } : {}),
    });
  } catch (err) {
    deps.log.warn("lifecycle event not published", { sessionId: session.sessionId, type, error: String(err) });
  }
}
