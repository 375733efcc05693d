import { sessionReport } from "../../services/sessionReport.js";
import type { BackendDeps } from "../shared/backendDeps.js";
import { type HttpEvent, type HttpResult, json, requireOwnedSession } from "./httpRequest.js";

/** `GET /sessions/{id}/report`: the session's listeners, latency and losses so far (owner only). */
export async function sessionReportHandler(deps: BackendDeps, event: HttpEvent): Promise<HttpResult> {
  const { session } = await requireOwnedSession(deps, event);
  const [samples, segments] = await Promise.all([
    deps.stores.coordination.listenerTimeline(session.sessionId),
    deps.stores.segments.listAfter(session.sessionId, -1),
  ]);
  return json(200, sessionReport(session, samples, segments, deps.now()));
}
