import type { HttpRouteKey } from "@babelcast/protocol";
import { ApiFailure } from "../../services/apiErrors.js";
import type { BackendDeps } from "../shared/backendDeps.js";
import { listChannels } from "./channelsHandler.js";
import { embedPlayer } from "./embedHandler.js";
import { claimHandOff, createHandOff, listWaitingHandOffs } from "./handOffHandlers.js";
import { errorResult, type HttpEvent, type HttpResult } from "./httpRequest.js";
import { createInterpreterInvite, joinAsInterpreter } from "./interpretersHandlers.js";
import { listLanguages } from "./languagesHandler.js";
import { joinSession, refreshListener } from "./listenersHandlers.js";
import { createRecordingUpload, listRecordings } from "./recordingsHandlers.js";
import { drainRelay, listRelays, registerRelay, relayHeartbeat } from "./relaysHandlers.js";
import { sessionReportHandler } from "./reportHandler.js";
import { createSession, endSession, getSession, listSessions, updateSession } from "./sessionsHandlers.js";
import { exportTranscript } from "./transcriptHandler.js";

type RouteHandler = (deps: BackendDeps, event: HttpEvent) => Promise<HttpResult>;

const ROUTE_HANDLERS: Record<HttpRouteKey, RouteHandler> = {
  "POST /sessions": createSession,
  "GET /sessions": listSessions,
  "GET /sessions/{id}": getSession,
  "PATCH /sessions/{id}": updateSession,
  "DELETE /sessions/{id}": endSession,
  "POST /sessions/{id}/listeners": joinSession,
  "POST /sessions/{id}/listeners/{listenerId}/refresh": refreshListener,
  "GET /sessions/{id}/channels": listChannels,
  "POST /sessions/{id}/handoffs": createHandOff,
  "POST /sessions/{id}/handoffs/claim": claimHandOff,
  "GET /handoffs": listWaitingHandOffs,
  "POST /sessions/{id}/interpreters": createInterpreterInvite,
  "POST /sessions/{id}/interpreters/join": joinAsInterpreter,
  "GET /sessions/{id}/transcript": exportTranscript,
  "GET /sessions/{id}/report": sessionReportHandler,
  "POST /sessions/{id}/recordings": createRecordingUpload,
  "GET /sessions/{id}/recordings": listRecordings,
  "GET /sessions/{id}/embed": embedPlayer,
  "GET /languages": listLanguages,
  "POST /relays": registerRelay,
  "POST /relays/{relayId}/heartbeat": relayHeartbeat,
  "GET /relays": listRelays,
  "POST /relays/{relayId}/drain": drainRelay,
};

/** The HTTP API as one handler of API Gateway v2 events, dispatching on the route key. */
export function createHttpApiHandler(deps: BackendDeps): (event: HttpEvent) => Promise<HttpResult> {
  return async (event) => {
    const route = ROUTE_HANDLERS[event.routeKey as HttpRouteKey];
    try {
      if (!route) throw new ApiFailure(404, "NotFound", `no route ${event.routeKey}`);
      return await route(deps, event);
    } catch (err) {
      if (err instanceof ApiFailure) return errorResult(err);
      deps.log.error("http handler failed", { routeKey: event.routeKey, error: String((err as Error)?.stack ?? err) });
      return errorResult(new ApiFailure(500, "InternalError", "the server failed on this request: try again"));
    }
  };
}
