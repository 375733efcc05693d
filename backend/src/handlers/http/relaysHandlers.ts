import { createHash, timingSafeEqual } from "node:crypto";
import { RelayClientId } from "@babelcast/protocol/relay";
import {
  RELAY_AUTH_SCHEME,
  RELAY_HEARTBEAT_INTERVAL_MS,
  RegisterRelayRequest,
  RelayHeartbeatRequest,
  type RelayHeartbeatResponse,
  type RelaySessionReport,
  type RelaySessionState,
} from "@babelcast/protocol/relayRegistry";
import { ApiFailure, badRequest, notFound, parseOrThrow, unauthorized } from "../../services/apiErrors.js";
import { channelsNeedingGrants, relayViewers } from "../../services/relayDesiredState.js";
import { sessionLanguages } from "../../services/sessionRecords.js";
import type { RegisteredRelay } from "../../tables/relayRegistryStore.js";
import type { BackendDeps } from "../shared/backendDeps.js";
import { type HttpEvent, type HttpResult, header, json, jsonBody, pathParam } from "./httpRequest.js";

/**
 * The relay routes (docs/relays.md): a relay agent registers, then heartbeats; each heartbeat
 * records its load in the registry and answers with the relay's desired state: per session
 * it serves, the uplink viewer grant, its pool channels with master grants, and which language
 * each of its listeners hears. Everything comes from DynamoDB, so any container answers.
 */

const digest = (value: string) => createHash("sha256").update(value).digest();

/** The request must carry the deployment's relay key (`Authorization: Relay <key>`). */
function requireRelayKey(deps: BackendDeps, event: HttpEvent): void {
  const expected = deps.config.relayKey;
  if (!expected) throw new ApiFailure(503, "RelaysNotConfigured", "this deployment has no relay key: relays are off");
  const value = header(event, "authorization") ?? "";
  const prefix = `${RELAY_AUTH_SCHEME} `;
  const presented = value.startsWith(prefix) ? value.slice(prefix.length) : "";
  // Compared as digests: equal lengths for timingSafeEqual, and no early exit on the first differing byte.
  if (!presented || !timingSafeEqual(digest(presented), digest(expected))) {
    throw unauthorized(`a relay route needs Authorization: ${RELAY_AUTH_SCHEME} <the deployment's relay key>`);
  }
}

function relayIdParam(event: HttpEvent): string {
  const id = pathParam(event, "relayId");
  if (!RelayClientId.safeParse(id).success) throw badRequest(`"${id}" is not a relay id (relay-…)`);
  return id;
}

/** `POST /relays`: a relay agent registers (again, after a restart: it keeps its sessions). */
export async function registerRelay(deps: BackendDeps, event: HttpEvent): Promise<HttpResult> {
  requireRelayKey(deps, event);
  const request = parseOrThrow(RegisterRelayRequest, jsonBody(event), "the relay registration");
  await deps.stores.relays.register(request.relayId, request.capacity, deps.now());
  return json(200, { relayId: request.relayId, heartbeatIntervalMs: RELAY_HEARTBEAT_INTERVAL_MS });
}

/** `POST /relays/{relayId}/heartbeat`: the relay's load in, its desired state out. */
export async function relayHeartbeat(deps: BackendDeps, event: HttpEvent): Promise<HttpResult> {
  requireRelayKey(deps, event);
  const relayId = relayIdParam(event);
  const report = parseOrThrow(RelayHeartbeatRequest, jsonBody(event), "the relay heartbeat");
  const listeners = Object.values(report.listeners).reduce((a, b) => a + b, 0);
  const relay = await deps.stores.relays.heartbeat(relayId, { listeners, draining: report.draining }, deps.now());
  if (!relay) throw notFound(`relay ${relayId} is not registered (or its registration expired): POST /relays again`);
  const sessions = await Promise.all(
    relay.sessions.map((sessionId) => sessionState(deps, relay, sessionId, report.sessions[sessionId])),
  );
  const body: RelayHeartbeatResponse = {
    sessions: sessions.filter((s): s is RelaySessionState => s !== undefined),
    drain: relay.draining,
  };
  return json(200, body);
}

async function sessionState(
  deps: BackendDeps,
  relay: RegisteredRelay,
  sessionId: string,
  reported: RelaySessionReport | undefined,
): Promise<RelaySessionState | undefined> {
  const session = await deps.stores.sessions.get(sessionId);
  if (!session || session.status === "ended") {
    // The relay stops serving it (its agent stops that session's relay on this answer).
    await deps.stores.relays.removeSession(relay.relayId, sessionId);
    return undefined;
  }
  const channels = session.channels.filter((c) => c.relayId === relay.relayId).map((c) => c.channelArn);
  if (!session.uplink || channels.length === 0) return undefined;
  const [holds, counts] = await Promise.all([
    deps.stores.coordination.listSlots(sessionId),
    deps.stores.coordination.readCounts(sessionId),
  ]);
  const renew = reported?.renew ?? [];
  const poolGrants = channelsNeedingGrants(channels, reported?.channels, renew);
  const uplinkArn = session.uplink.channelArn;
  const uplinkGrant =
    !reported || renew.includes(uplinkArn) ? await deps.channels.grant(uplinkArn, "VIEWER", relay.relayId) : undefined;
  return {
    sessionId,
    languages: sessionLanguages(session),
    uplink: { channelArn: uplinkArn, ...(uplinkGrant ? { grant: uplinkGrant } : {}) },
    channels: await Promise.all(
      channels.map(async (channelArn) =>
        poolGrants.has(channelArn)
          ? { channelArn, grant: await deps.channels.grant(channelArn, "MASTER") }
          : { channelArn },
      ),
    ),
    viewers: relayViewers(new Set(channels), holds, counts.byViewer, deps.now()),
  };
}
