import { z } from "zod";
import { SessionId, SignalingGrant } from "./api.js";
import { LanguageCode } from "./languages.js";
import { RelayClientId } from "./relay.js";

/**
 * The relay registry's HTTP contract (issue #18, docs/relays.md): a relay *agent* registers,
 * then heartbeats about once a second; each heartbeat reports its load and is answered with
 * the relay's desired state, which the agent reconciles. Pull-based: the backend never calls
 * a relay, so relays need no inbound port and the backend keeps no connection to them.
 */

/** Header carrying the deployment's relay key (`Authorization: Relay <key>`). */
export const RELAY_AUTH_SCHEME = "Relay";

/**
 * A relay route's request as the relay agent sends it (and the embedded supervisor, in a dead agent's
 * name): a JSON POST with the deployment's relay key. Returns `fetch`'s arguments.
 */
export function relayApiRequest(apiUrl: string, key: string, path: string, body: unknown): [string, RequestInit] {
  return [
    `${apiUrl}${path}`,
    {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `${RELAY_AUTH_SCHEME} ${key}` },
      body: JSON.stringify(body),
    },
  ];
}

/** How often an agent heartbeats; the backend calls a relay dead after `relayDeadAfterSeconds` (default 5 s). */
export const RELAY_HEARTBEAT_INTERVAL_MS = 1000;

/** The KVS channel ARN form the backend hands out (kept loose: the embedded server's ARNs share it). */
const ChannelArn = z.string().min(1).max(2048);

export const RegisterRelayRequest = z.strictObject({
  relayId: RelayClientId,
  /** Listeners it may serve in all sessions (each pool channel holds up to 10). */
  capacity: z.number().int().min(1).max(10_000),
});
export type RegisterRelayRequest = z.infer<typeof RegisterRelayRequest>;

export const RegisterRelayResponse = z.object({
  relayId: RelayClientId,
  heartbeatIntervalMs: z.number().int().positive(),
});
export type RegisterRelayResponse = z.infer<typeof RegisterRelayResponse>;

const ConnectionState = z.enum(["connecting", "connected", "reconnecting", "closed"]);

/** What the agent runs for one session: its upstream state, the channels it masters, grants it needs renewed. */
export const RelaySessionReport = z.strictObject({
  upstream: ConnectionState,
  channels: z.array(ChannelArn).max(1000),
  /** Channels (pool or uplink) whose grant is about to expire or was refused: answered with fresh grants. */
  renew: z.array(ChannelArn).max(1001).default([]),
});
export type RelaySessionReport = z.infer<typeof RelaySessionReport>;

export const RelayHeartbeatRequest = z.strictObject({
  /** Connected listener peers by pool channel ARN. */
  listeners: z
    .record(ChannelArn, z.number().int().min(0).max(10_000))
    .refine((r) => Object.keys(r).length <= 1000, "at most 1000 channels"),
  sessions: z.record(SessionId, RelaySessionReport).refine((r) => Object.keys(r).length <= 100, "at most 100 sessions"),
  /** The relay is shutting down: give it no new listeners. */
  draining: z.boolean(),
});
export type RelayHeartbeatRequest = z.infer<typeof RelayHeartbeatRequest>;

/** A channel the relay should master; `grant` present when the relay does not hold one yet or asked for a fresh one. */
export const RelayChannelState = z.object({ channelArn: ChannelArn, grant: SignalingGrant.optional() });

/** One session as the relay should serve it. */
export const RelaySessionState = z.object({
  sessionId: SessionId,
  /** Every language the console sends (one upstream track each). */
  languages: z.array(LanguageCode).min(1),
  /** The console's uplink channel (the relay is a viewer of it, client id = relayId). */
  uplink: RelayChannelState,
  channels: z.array(RelayChannelState),
  /** Listeners on this relay's channels with the language each hears (unknown ones come on a later heartbeat). */
  viewers: z.record(z.string(), LanguageCode),
});
export type RelaySessionState = z.infer<typeof RelaySessionState>;

export const RelayHeartbeatResponse = z.object({
  sessions: z.array(RelaySessionState),
  /** Stop taking listeners and exit once the listeners have moved (an operator's drain, or the relay's own). */
  drain: z.boolean(),
});
export type RelayHeartbeatResponse = z.infer<typeof RelayHeartbeatResponse>;

/**
 * A registered relay as an operator sees it (`GET /relays`, `POST /relays/{relayId}/drain`): its
 * load, whether the backend counts it alive (heard from within `relayDeadAfterSeconds`), whether it
 * drains, and the sessions it has pool channels in.
 */
export const RelayView = z.object({
  relayId: RelayClientId,
  capacity: z.number().int().min(0),
  listeners: z.number().int().min(0),
  /** Epoch ms of its last heartbeat. */
  lastSeenAt: z.number().int().min(0),
  alive: z.boolean(),
  draining: z.boolean(),
  sessions: z.array(SessionId),
});
export type RelayView = z.infer<typeof RelayView>;

export const RelayListResponse = z.object({ relays: z.array(RelayView) });
export type RelayListResponse = z.infer<typeof RelayListResponse>;
