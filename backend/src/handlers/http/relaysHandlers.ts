import { createHash, timingSafeEqual } from "node:crypto";
import { RelayClientId } from "@babelcast/protocol/relay";
import {
  RELAY_AUTH_SCHEME,
  RELAY_HEARTBEAT_INTERVAL_MS,
  RegisterRelayRequest,
  RelayHeartbeatRequest,
  type RelayHeartbeatResponse,
  type RelayListResponse,
  type RelaySessionReport,
  type RelaySessionState,
  type RelayView,
} from "@babelcast/protocol/relayRegistry";
import { ApiFailure, badRequest, notFound, parseOrThrow, unauthorized } from "../../services/apiErrors.js";
import { relayAlive } from "../../services/channelPool.js";
import { channelRoom, channelsNeedingGrants, relaysToReplace, relayViewers } from "../../services/relayDesiredState.js";
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
  // A live relay takes over the channels of dead or draining ones (their listeners reconnect to the same channel).
  const adopted = relay.draining ? [] : await adoptChannels(deps, relay, Object.keys(report.listeners).length);
  const served = [...new Set([...relay.sessions, ...adopted])];
  const sessions = await Promise.all(
    served.map((sessionId) => sessionState(deps, relay, sessionId, report.sessions[sessionId])),
  );
  const body: RelayHeartbeatResponse = {
    sessions: sessions.filter((s): s is RelaySessionState => s !== undefined),
    drain: relay.draining,
  };
  return json(200, body);
}

const deadAfterMs = (deps: BackendDeps) => deps.config.limits.relayDeadAfterSeconds * 1000;

function relayView(deps: BackendDeps, relay: RegisteredRelay): RelayView {
  return {
    relayId: relay.relayId,
    capacity: relay.capacity,
    listeners: relay.listeners,
    lastSeenAt: relay.lastSeenAt,
    alive: relayAlive(relay, deps.now(), { relayDeadAfterMs: deadAfterMs(deps) }),
    draining: relay.draining,
    sessions: [...relay.sessions],
  };
}

/** `GET /relays`: for an operator, every registered relay with its load (dead ones too, until their item expires). */
export async function listRelays(deps: BackendDeps, event: HttpEvent): Promise<HttpResult> {
  requireRelayKey(deps, event);
  const relays = await deps.stores.relays.list();
  const body: RelayListResponse = {
    relays: relays.map((r) => relayView(deps, r)).sort((a, b) => a.relayId.localeCompare(b.relayId)),
  };
  return json(200, body);
}

/**
 * `POST /relays/{relayId}/drain`: an operator takes a relay out of service without stopping it
 * first. No new listener is sent there; live relays with room adopt its channels on their next
 * heartbeats (each listener reconnects once, to the same channel); the relay keeps serving what no
 * relay could take; its agent exits once it serves nothing, and is replaced (embedded: started again
 * under the same id, which registers live; cloud: ECS starts a new task). Idempotent.
 */
export async function drainRelay(deps: BackendDeps, event: HttpEvent): Promise<HttpResult> {
  requireRelayKey(deps, event);
  const relayId = relayIdParam(event);
  const relay = await deps.stores.relays.drain(relayId);
  if (!relay) throw notFound(`relay ${relayId} is not registered (GET /relays lists the registered ones)`);
  deps.log.info("relay drained by an operator", { relayId, listeners: relay.listeners });
  return json(200, relayView(deps, relay));
}

/**
 * Moves pool channels of dead or draining relays to `relay`, as far as its room goes, each by
 * a conditional write (of two relays adopting a channel, one wins). Returns the sessions it
 * now has channels in.
 */
async function adoptChannels(deps: BackendDeps, relay: RegisteredRelay, channelsHeld: number): Promise<string[]> {
  const limits = {
    audioCapacity: 0,
    viewersPerChannel: deps.config.limits.viewersPerChannel,
    slotGraceMs: 0,
    relayDeadAfterMs: deadAfterMs(deps),
  };
  const orphans = relaysToReplace(await deps.stores.relays.list(), relay.relayId, deps.now(), limits);
  let room = channelRoom(relay, channelsHeld, limits.viewersPerChannel);
  const adopted: string[] = [];
  for (const orphan of orphans) {
    for (const sessionId of orphan.sessions) {
      if (room <= 0) return adopted;
      const session = await deps.stores.sessions.get(sessionId);
      if (!session || session.status === "ended") {
        await deps.stores.relays.removeSession(orphan.relayId, sessionId);
        continue;
      }
      let left = 0;
      for (const [position, channel] of session.channels.entries()) {
        if (channel.relayId !== orphan.relayId) continue;
        const moved =
          room > 0 &&
          (await deps.stores.sessions.moveChannel(
            sessionId,
            position,
            channel.channelArn,
            orphan.relayId,
            relay.relayId,
          ));
        if (!moved) {
          left += 1;
          continue;
        }
        room -= 1;
        if (!adopted.includes(sessionId)) {
          adopted.push(sessionId);
          await deps.stores.relays.addSession(relay.relayId, sessionId, deps.now());
        }
        deps.log.info("relay channel adopted", {
          sessionId,
          channelArn: channel.channelArn,
          from: orphan.relayId,
          to: relay.relayId,
        });
      }
      if (left === 0) await deps.stores.relays.removeSession(orphan.relayId, sessionId);
    }
  }
  return adopted;
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
