import type { SignalingGrant } from "@babelcast/protocol";
import type { RelaySessionState } from "@babelcast/protocol/relayRegistry";
import { describe, expect, it } from "vitest";
import { type RunningSession, reconcile } from "../src/agentReconcile.js";

const grant = (channelArn: string, role: "MASTER" | "VIEWER"): SignalingGrant => ({
  channelArn,
  channelEndpoint: "ws://127.0.0.1/kvs",
  signedUrl: `ws://127.0.0.1/kvs?c=${channelArn}`,
  region: "us-east-1",
  role,
  ...(role === "VIEWER" ? { clientId: "relay-1" } : {}),
  iceServers: [],
  expiresAt: 1,
});

const state = (over: Partial<RelaySessionState> = {}): RelaySessionState => ({
  sessionId: "amber-harbor-482",
  languages: ["en", "es"],
  uplink: { channelArn: "arn:up" },
  channels: [{ channelArn: "arn:r1" }],
  viewers: {},
  ...over,
});

const running = (over: Partial<RunningSession> = {}): Map<string, RunningSession> =>
  new Map([
    [
      "amber-harbor-482",
      { languages: ["en", "es"], uplinkArn: "arn:up", channels: new Set(["arn:r1"]), assigned: new Map(), ...over },
    ],
  ]);

describe("relay agent reconcile", () => {
  it("starts a new session with its uplink grant, then masters its channels", () => {
    const actions = reconcile(
      new Map(),
      [
        state({
          uplink: { channelArn: "arn:up", grant: grant("arn:up", "VIEWER") },
          channels: [{ channelArn: "arn:r1", grant: grant("arn:r1", "MASTER") }],
        }),
      ],
      "relay-1",
      "127.0.0.1",
    );
    expect(actions.map((a) => (a.kind === "command" ? a.command.type : a.kind))).toEqual(["start", "addChannel"]);
    expect(actions[0]).toMatchObject({
      command: { relayId: "relay-1", languages: ["en", "es"], bindAddress: "127.0.0.1" },
    });
  });

  it("waits for the uplink grant before starting a session", () => {
    expect(reconcile(new Map(), [state()], "relay-1")).toEqual([]);
  });

  it("assigns new viewers, switches a changed language and unassigns those who left", () => {
    const actions = reconcile(
      running({
        assigned: new Map([
          ["l-a", "en"],
          ["l-b", "en"],
          ["l-gone", "es"],
        ]),
      }),
      [state({ viewers: { "l-a": "en", "l-b": "es", "l-new": "es" } })],
      "relay-1",
    );
    expect(actions.map((a) => a.kind === "command" && a.command)).toEqual([
      { type: "assign", viewerId: "l-b", language: "es" },
      { type: "assign", viewerId: "l-new", language: "es" },
      { type: "unassign", viewerId: "l-gone" },
    ]);
  });

  it("passes fresh grants of known channels and of the uplink", () => {
    const actions = reconcile(
      running(),
      [
        state({
          uplink: { channelArn: "arn:up", grant: grant("arn:up", "VIEWER") },
          channels: [{ channelArn: "arn:r1", grant: grant("arn:r1", "MASTER") }],
        }),
      ],
      "relay-1",
    );
    expect(actions.map((a) => a.kind === "command" && a.command.type)).toEqual(["upstreamGrant", "addChannel"]);
  });

  it("stops a session the backend no longer wants, and restarts one whose languages changed", () => {
    expect(reconcile(running(), [], "relay-1")).toEqual([{ kind: "stop", sessionId: "amber-harbor-482" }]);
    const changed = reconcile(
      running(),
      [state({ languages: ["en", "es", "fr"], uplink: { channelArn: "arn:up", grant: grant("arn:up", "VIEWER") } })],
      "relay-1",
    );
    expect(changed.map((a) => a.kind)).toEqual(["stop", "start"]);
  });

  it("lets go of a channel handed to another relay by starting the session afresh", () => {
    const actions = reconcile(running({ channels: new Set(["arn:r1", "arn:r2"]) }), [state()], "relay-1");
    expect(actions).toEqual([{ kind: "stop", sessionId: "amber-harbor-482" }]);
  });
});
