import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import type { RelayCommand, RelayConnectionState, RelayEvent } from "@babelcast/protocol/relay";
import {
  RELAY_HEARTBEAT_INTERVAL_MS,
  RegisterRelayResponse,
  type RelayHeartbeatRequest,
  RelayHeartbeatResponse,
  relayApiRequest,
} from "@babelcast/protocol/relayRegistry";
import nodeDataChannel from "node-datachannel";
import { type AgentAction, type RunningSession, reconcile, sessionReport } from "./agentReconcile.js";
import { viewersMetricLine } from "./metrics.js";
import { Relay } from "./relay.js";
import { TaskProtection } from "./taskProtection.js";

/**
 * The relay agent: registers with the backend's HTTP API, heartbeats about once a second with
 * its load, and reconciles what the answer wants: one in-process `Relay` per session it serves
 * (started, given channels and fresh grants, told who hears what, stopped). Pull-based: it
 * needs no inbound port, and a backend that does not hear from it for a few seconds gives its
 * listeners other channels on their rejoin.
 *
 *   node --import tsx relay/src/agent.ts --api <HTTP API base URL> --relay-id relay-1 \
 *     --capacity 100 --key-file <file with the relay key> [--bind 127.0.0.1] [--metrics-service <ECS service>]
 *
 * The key may come in BABELCAST_RELAY_KEY instead of a file. SIGTERM drains: the backend is
 * told, then every relay closes and the process exits.
 */

interface SessionRuntime {
  readonly relay: Relay;
  readonly languages: readonly string[];
  readonly uplinkArn: string;
  readonly channels: Set<string>;
  readonly assigned: Map<string, string>;
  upstream: RelayConnectionState;
  /** Channels (pool or uplink) that asked for a fresh grant since the last heartbeat's answer. */
  readonly renew: Set<string>;
  /** Connected listener peers by channel. */
  readonly viewers: Map<string, { channelArn: string; state: RelayConnectionState }>;
}

const { values: args } = parseArgs({
  options: {
    api: { type: "string" },
    "relay-id": { type: "string" },
    capacity: { type: "string", default: "100" },
    "key-file": { type: "string" },
    bind: { type: "string" },
    /** Set in the cloud (relay/src/cloudEntry.ts): the ECS service the load metric is published for. */
    "metrics-service": { type: "string" },
  },
});

function fail(message: string): never {
  process.stderr.write(`relay agent: ${message}\n`);
  process.exit(2);
}

const api = (args.api ?? fail("--api <the HTTP API's base URL> is required")).replace(/\/+$/, "");
const relayId = args["relay-id"] ?? fail("--relay-id relay-<name> is required");
const capacity = Number(args.capacity);
if (!Number.isInteger(capacity) || capacity < 1) fail(`--capacity must be a positive integer, not ${args.capacity}`);
const key =
  (args["key-file"] ? readFileSync(args["key-file"], "utf8") : process.env.BABELCAST_RELAY_KEY)?.trim() ||
  fail("the relay key is required: --key-file <file> or BABELCAST_RELAY_KEY");
const bindAddress = args.bind;

const sessions = new Map<string, SessionRuntime>();
let draining = false;

function log(message: string, fields: Record<string, unknown> = {}): void {
  process.stdout.write(`${JSON.stringify({ relayId, message, ...fields })}\n`);
}

async function call(path: string, body: unknown): Promise<{ status: number; json: unknown }> {
  const [url, init] = relayApiRequest(api, key, path, body);
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

async function register(): Promise<void> {
  const out = await call("/relays", { relayId, capacity });
  if (out.status !== 200) throw new Error(`registration refused (${out.status}): ${JSON.stringify(out.json)}`);
  RegisterRelayResponse.parse(out.json);
  log("registered", { capacity });
}

function onEvent(sessionId: string, event: RelayEvent): void {
  const s = sessions.get(sessionId);
  if (!s) return;
  switch (event.type) {
    case "upstream":
      // Upstream lost: listeners keep their peers and hear silence until it is back (no error on their side).
      s.upstream = event.state;
      break;
    case "grantNeeded":
      s.renew.add(event.channelArn);
      break;
    case "viewer":
      if (event.state === "closed") s.viewers.delete(event.viewerId);
      else s.viewers.set(event.viewerId, { channelArn: event.channelArn, state: event.state });
      break;
    case "error":
      log("relay error", { sessionId, error: event.message });
      break;
    default:
      break;
  }
}

function apply(action: AgentAction): void {
  if (action.kind === "stop") {
    sessions.get(action.sessionId)?.relay.close();
    sessions.delete(action.sessionId);
    log("session stopped", { sessionId: action.sessionId });
    return;
  }
  if (action.kind === "start") {
    const { sessionId, command } = action;
    const runtime: SessionRuntime = {
      relay: new Relay(command, (event) => onEvent(sessionId, event)),
      languages: command.languages,
      uplinkArn: command.upstream.channelArn,
      channels: new Set(),
      assigned: new Map(),
      upstream: "connecting",
      renew: new Set(),
      viewers: new Map(),
    };
    sessions.set(sessionId, runtime);
    log("session started", { sessionId, languages: command.languages });
    return;
  }
  const s = sessions.get(action.sessionId);
  if (!s) return;
  const command: Exclude<RelayCommand, { type: "start" }> = action.command;
  const error = s.relay.handle(command);
  if (error) {
    log("command refused", { sessionId: action.sessionId, command: command.type, error });
    return;
  }
  if (command.type === "addChannel") {
    s.channels.add(command.grant.channelArn);
    s.renew.delete(command.grant.channelArn);
  } else if (command.type === "upstreamGrant") s.renew.delete(command.grant.channelArn);
  else if (command.type === "assign") s.assigned.set(command.viewerId, command.language);
  else if (command.type === "unassign") s.assigned.delete(command.viewerId);
}

function heartbeatBody(): RelayHeartbeatRequest {
  const listeners: Record<string, number> = {};
  const reports: RelayHeartbeatRequest["sessions"] = {};
  for (const [sessionId, s] of sessions) {
    for (const channelArn of s.channels) listeners[channelArn] = 0;
    for (const v of s.viewers.values()) {
      if (v.state === "connected") listeners[v.channelArn] = (listeners[v.channelArn] ?? 0) + 1;
    }
    reports[sessionId] = sessionReport(s.upstream, s.channels, s.renew);
  }
  return { listeners, sessions: reports, draining };
}

async function heartbeat(): Promise<void> {
  const out = await call(`/relays/${relayId}/heartbeat`, heartbeatBody());
  if (out.status === 404) {
    await register();
    return;
  }
  if (out.status !== 200) throw new Error(`heartbeat refused (${out.status}): ${JSON.stringify(out.json)}`);
  const desired = RelayHeartbeatResponse.parse(out.json);
  const running = new Map<string, RunningSession>(sessions);
  for (const action of reconcile(running, desired.sessions, relayId, bindAddress)) apply(action);
  // An operator's drain (POST /relays/{relayId}/drain): once live relays have adopted every channel
  // (or the sessions ended), nothing is left here; exit to be replaced (the embedded supervisor starts
  // the agent again, which registers live; in the cloud the container exits with the agent and the service
  // scheduler replaces a stopped task, https://docs.aws.amazon.com/AmazonECS/latest/userguide/ecs_services.html).
  if (desired.drain && !draining && sessions.size === 0) {
    log("drained: serving nothing, exiting to be replaced");
    void shutdown();
  }
}

async function run(): Promise<void> {
  for (;;) {
    try {
      if (!registered) {
        await register();
        registered = true;
      }
      await heartbeat();
    } catch (err) {
      // The backend is unreachable or refused: relays keep forwarding what they have; try again.
      log("heartbeat failed", { error: String(err) });
    }
    if (stopping) return;
    await new Promise((resolve) => setTimeout(resolve, RELAY_HEARTBEAT_INTERVAL_MS));
  }
}

let registered = false;
let stopping = false;

async function shutdown(): Promise<void> {
  if (stopping) return;
  stopping = true;
  draining = true;
  // Tell the backend first, so no new listener is sent here while the relays close.
  await call(`/relays/${relayId}/heartbeat`, heartbeatBody()).catch(() => undefined);
  for (const s of sessions.values()) s.relay.close();
  sessions.clear();
  nodeDataChannel.cleanup();
  process.exit(0);
}

/** Listener peers connected now, over every session: the load the service scales on. */
function connectedViewers(): number {
  let count = 0;
  for (const s of sessions.values()) for (const v of s.viewers.values()) if (v.state === "connected") count++;
  return count;
}

/**
 * In the cloud, the load metric the Fargate service's target tracking scales on
 * (infra/lib/constructs/relayService.ts): one EMF line every 10 s, enough for its 1-minute period.
 */
const metricsService = args["metrics-service"];
if (metricsService) {
  setInterval(
    () => process.stdout.write(`${viewersMetricLine(metricsService, connectedViewers(), Date.now())}\n`),
    10_000,
  );
}

/**
 * In an ECS task (its container agent injects ECS_AGENT_URI), scale-in protection while this relay
 * forwards listeners, lifted when it forwards none (relay/src/taskProtection.ts).
 */
const ecsAgentUri = process.env.ECS_AGENT_URI;
if (ecsAgentUri) {
  const protection = new TaskProtection(ecsAgentUri, log);
  setInterval(() => void protection.update(connectedViewers(), draining, Date.now()), 10_000);
}

process.on("SIGTERM", () => void shutdown());
process.on("SIGINT", () => void shutdown());
const LOG_LEVELS = ["Verbose", "Debug", "Info", "Warning", "Error", "Fatal"] as const;
const logLevel = LOG_LEVELS.find((l) => l === process.env.BABELCAST_RELAY_LOG);
if (logLevel) nodeDataChannel.initLogger(logLevel, (level, message) => process.stderr.write(`[${level}] ${message}\n`));
void run();
