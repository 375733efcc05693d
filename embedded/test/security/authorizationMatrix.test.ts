import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AdminCreateUserCommand, CognitoIdentityProviderClient } from "@aws-sdk/client-cognito-identity-provider";
import { presignSignalingUrl } from "@babelcast/backend/aws/signalingPresigner.js";
import { createListenerToken } from "@babelcast/backend/services/listenerTokens.js";
import { ChannelsResponse, JoinResponse, SessionOwnerView } from "@babelcast/protocol";
import { CognitoUser, CognitoUserPool } from "amazon-cognito-identity-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { type RunningEmbeddedServer, startEmbeddedServer } from "../../src/embeddedServer.js";
import { LISTENER_SECRET_FILE } from "../../src/gateway/embeddedRuntime.js";
import { newPassword, signIn } from "../cognito/cognitoClient.js";
import { openSocket, type TestSocket } from "../gateway/harness.js";
import { snapshotState } from "./wire.js";

/**
 * Who may do what, one row per (actor, route), against the real embedded server with its user
 * pool on: presenters are Cognito users, as in the cloud, and the backend's functions verify
 * their ID tokens in their own containers.
 *
 * Actors:
 * - anonymous: no credentials at all.
 * - listener: the listener token a join of this session returned.
 * - otherListener: a real listener token, of another session (a listener token used elsewhere).
 * - forged: the owner's ID token with its subject changed to someone else's (the signature no
 *   longer matches what it signs).
 * - otherOwner: another presenter of the same pool, signed in, who does not own the session.
 * - owner: the presenter who created the session, signed in.
 */

type Actor = "anonymous" | "listener" | "otherListener" | "forged" | "otherOwner" | "owner";
const ACTORS: readonly Actor[] = ["anonymous", "listener", "otherListener", "forged", "otherOwner", "owner"];
const presenters = { owner: "", otherOwner: "" };

/** A presenter the admin invited, signed in with the console's client: their ID token. */
async function presenterToken(email: string): Promise<string> {
  const { config, credentials, region } = server.context;
  if (config.auth.kind !== "cognito" || !config.endpoints?.cognitoIdp) throw new Error("the user pool is not on");
  const { userPoolId, userPoolClientId } = config.auth;
  const endpoint = config.endpoints.cognitoIdp;
  const admin = new CognitoIdentityProviderClient({ region, endpoint, credentials });
  const temporary = "Temporary-Pass-1";
  await admin.send(
    new AdminCreateUserCommand({
      UserPoolId: userPoolId,
      Username: email,
      TemporaryPassword: temporary,
      MessageAction: "SUPPRESS",
    }),
  );
  admin.destroy();
  const pool = new CognitoUserPool({ UserPoolId: userPoolId, ClientId: userPoolClientId, endpoint });
  const user = new CognitoUser({ Username: email, Pool: pool });
  const first = await signIn(user, email, temporary);
  if (first.kind !== "newPassword") throw new Error(`first sign-in of ${email} stopped at ${first.kind}`);
  const done = await newPassword(user, "Chosen-Password-2");
  if (done.kind !== "signedIn") throw new Error(`sign-in of ${email} stopped at ${done.kind}`);
  return done.session.getIdToken().getJwtToken();
}

/** The owner's ID token claiming another subject, still carrying the owner's signature. */
function forgedToken(): string {
  const [header, payload, signature] = presenters.owner.split(".");
  const claims = JSON.parse(Buffer.from(payload ?? "", "base64url").toString("utf8")) as Record<string, unknown>;
  const forged = Buffer.from(JSON.stringify({ ...claims, sub: "00000000-0000-4000-8000-000000000000" }));
  return `${header}.${forged.toString("base64url")}.${signature}`;
}

let server: RunningEmbeddedServer;
let dataDir: string;
let api: string;
const s = { id: "", other: "", doomed: "" };
let listener: { id: string; token: string; viewerUrl: string; channelArn: string };
let otherListener: { id: string; token: string; channelArn: string };
const open: TestSocket[] = [];

function tokenOf(actor: Actor): string | undefined {
  switch (actor) {
    case "anonymous":
      return undefined;
    case "listener":
      return listener.token;
    case "otherListener":
      return otherListener.token;
    case "forged":
      return forgedToken();
    case "otherOwner":
      return presenters.otherOwner;
    case "owner":
      return presenters.owner;
  }
}

async function call(method: string, path: string, actor: Actor, body?: unknown) {
  const token = tokenOf(actor);
  const res = await fetch(`${api}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { "content-type": "application/json" } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json: json as Record<string, unknown> | undefined, text };
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "babelcast-authz-"));
  server = await startEmbeddedServer({
    host: "127.0.0.1",
    port: 0,
    dataDir,
    settings: { sessions: { countsDebounceMs: 0 }, cognito: { enabled: true, mfa: "OFF" } },
  });
  api = server.context.config.apiUrl;
  presenters.owner = await presenterToken("owner@example.org");
  presenters.otherOwner = await presenterToken("other@example.org");
  const create = async (actor: Actor, title: string) =>
    (await call("POST", "/sessions", actor, { title, sourceLanguage: "en", targetLanguages: ["es"] })).json
      ?.id as string;
  s.id = await create("owner", "Board meeting");
  s.doomed = await create("owner", "To be ended");
  s.other = await create("otherOwner", "Someone else's talk");
  const j = JoinResponse.parse(
    (await call("POST", `/sessions/${s.id}/listeners`, "anonymous", { language: "es" })).json,
  );
  if (j.audio.mode !== "webrtc") throw new Error("the listener got no audio slot");
  listener = {
    id: j.listenerId,
    token: j.listenerToken,
    viewerUrl: j.audio.signaling.signedUrl,
    channelArn: j.audio.signaling.channelArn,
  };
  const o = JoinResponse.parse(
    (await call("POST", `/sessions/${s.other}/listeners`, "anonymous", { language: "en" })).json,
  );
  if (o.audio.mode !== "webrtc") throw new Error("the other listener got no audio slot");
  otherListener = { id: o.listenerId, token: o.listenerToken, channelArn: o.audio.signaling.channelArn };
}, 120_000);

afterAll(async () => {
  for (const o of open) await o.close();
  await server?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Expected HTTP status per actor, in ACTORS order. */
type Row = readonly [
  route: string,
  method: string,
  path: () => string,
  body: (() => unknown) | undefined,
  expected: readonly number[],
];
const ROWS: readonly Row[] = [
  [
    "POST /sessions",
    "POST",
    () => "/sessions",
    () => ({ title: "Mine", sourceLanguage: "en" }),
    [401, 401, 401, 401, 201, 201],
  ],
  ["GET /sessions", "GET", () => "/sessions", undefined, [401, 401, 401, 401, 200, 200]],
  ["GET /sessions/{id}", "GET", () => `/sessions/${s.id}`, undefined, [200, 200, 200, 200, 200, 200]],
  [
    "PATCH /sessions/{id}",
    "PATCH",
    () => `/sessions/${s.id}`,
    () => ({ title: "Renamed" }),
    [401, 401, 401, 401, 403, 200],
  ],
  ["GET /sessions/{id}/channels", "GET", () => `/sessions/${s.id}/channels`, undefined, [401, 401, 401, 401, 403, 200]],
  ["GET /sessions/{id}/report", "GET", () => `/sessions/${s.id}/report`, undefined, [401, 401, 401, 401, 403, 200]],
  [
    "GET /sessions/{id}/recordings",
    "GET",
    () => `/sessions/${s.id}/recordings`,
    undefined,
    [401, 401, 401, 401, 403, 200],
  ],
  // This server has no recordings bucket: the owner hears that uploads are off.
  [
    "POST /sessions/{id}/recordings",
    "POST",
    () => `/sessions/${s.id}/recordings`,
    () => ({ language: "es", contentType: "audio/webm", bytes: 10 }),
    [401, 401, 401, 401, 403, 409],
  ],
  // Inviting an interpreter is the owner's; redeeming the invite needs its token (see interpreters.test.ts).
  [
    "POST /sessions/{id}/interpreters",
    "POST",
    () => `/sessions/${s.id}/interpreters`,
    () => ({ language: "es" }),
    [401, 401, 401, 401, 403, 201],
  ],
  [
    "GET /sessions/{id}/transcript (private)",
    "GET",
    () => `/sessions/${s.id}/transcript`,
    undefined,
    [403, 403, 403, 403, 403, 200],
  ],
  // The listener routes take the token in the body, not the header: each actor sends its own token there.
  [
    "POST /sessions/{id}/listeners/{listenerId}/refresh",
    "POST",
    () => `/sessions/${s.id}/listeners/${listener.id}/refresh`,
    undefined,
    [400, 200, 401, 401, 401, 401],
  ],
  // Joining is open to anyone by design (anonymous audience); a rejoin must prove the listener.
  [
    "POST /sessions/{id}/listeners (rejoin as the listener)",
    "POST",
    () => `/sessions/${s.id}/listeners`,
    undefined,
    [400, 200, 401, 401, 401, 401],
  ],
  ["DELETE /sessions/{id}", "DELETE", () => `/sessions/${s.doomed}`, undefined, [401, 401, 401, 401, 403, 200]],
];

describe("authorization matrix: HTTP API", () => {
  const cases = ROWS.flatMap(([route, method, path, body, expected]) =>
    ACTORS.map((actor, i) => ({ route, method, path, body, actor, status: expected[i] as number })),
  );
  it.each(cases)("$actor → $route: $status", async ({ route, method, path, body, actor, status }) => {
    const before = status < 300 ? undefined : await snapshotState(server);
    let payload = body?.();
    if (route.includes("refresh") || route.includes("rejoin")) {
      const token = tokenOf(actor);
      payload = route.includes("rejoin")
        ? {
            language: "es",
            ...(token ? { listenerId: listener.id, listenerToken: token } : { listenerId: listener.id }),
          }
        : token
          ? { listenerToken: token }
          : {};
    }
    const reply = await call(method, path(), actor, payload);
    expect(reply.status, reply.text).toBe(status);
    if (status >= 400) {
      expect(reply.json).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
      // A refusal changes nothing.
      expect(await snapshotState(server)).toBe(before);
    }
    if (route === "GET /sessions/{id}") {
      // Only the owner sees the owner's view (glossary, channels); everyone else the public subset.
      expect(SessionOwnerView.safeParse(reply.json).success).toBe(actor === "owner");
      expect(reply.json).not.toHaveProperty(actor === "owner" ? "nothing" : "channels");
    }
    if (route === "GET /sessions" && status === 200) {
      const ids = ((reply.json?.sessions ?? []) as { id: string }[]).map((x) => x.id);
      expect(ids.includes(s.id)).toBe(actor === "owner");
      expect(ids.includes(s.other)).toBe(actor === "otherOwner");
    }
  });
});

/** Upgrade status for a WebSocket connect: 101 when it opened. */
async function connectStatus(query: Record<string, string>): Promise<number> {
  const url = `${server.context.config.webSocketUrl}?${new URLSearchParams(query)}`;
  try {
    const socket = await openSocket(url);
    open.push(socket);
    return 101;
  } catch (err) {
    return (err as { status?: number }).status ?? 0;
  }
}

describe("authorization matrix: WebSocket API", () => {
  const connectRows: readonly [role: "console" | "listener", expected: readonly number[]][] = [
    // API Gateway's Lambda authorizer can only answer 401 Unauthorized (or 403 on an explicit Deny policy);
    // the backend's authorizer refuses with Unauthorized and logs why.
    ["console", [401, 401, 401, 401, 401, 101]],
    ["listener", [401, 101, 401, 401, 401, 401]],
  ];
  const cases = connectRows.flatMap(([role, expected]) =>
    ACTORS.map((actor, i) => ({ role, actor, status: expected[i] as number })),
  );
  it.each(cases)("$actor connects as $role: $status", async ({ role, actor, status }) => {
    const token = tokenOf(actor);
    expect(await connectStatus({ role, sessionId: s.id, ...(token ? { token } : {}) })).toBe(status);
  });

  it.each([
    [
      "segment",
      {
        action: "segment",
        seq: 99,
        text: "Not the presenter.",
        startTime: 0,
        endTime: 1,
        stages: { committedAt: 1, sentAt: 1 },
      },
    ],
    ["partial", { action: "partial", text: "Not the presenter" }],
    ["status", { action: "status", status: "paused", muted: true }],
    ["end", { action: "end" }],
  ])("a listener sending %s is refused with Forbidden and changes nothing", async (_name, message) => {
    const socket = await openSocket(
      `${server.context.config.webSocketUrl}?${new URLSearchParams({ role: "listener", sessionId: s.id, token: listener.token })}`,
    );
    open.push(socket);
    const before = await snapshotState(server);
    socket.send(message);
    expect(await socket.next("error")).toMatchObject({ code: "Forbidden" });
    expect(await snapshotState(server)).toBe(before);
  });

  it("the console sending a listener's language change is refused with Forbidden", async () => {
    const socket = await openSocket(
      `${server.context.config.webSocketUrl}?${new URLSearchParams({ role: "console", sessionId: s.id, token: presenters.owner })}`,
    );
    open.push(socket);
    socket.send({ action: "language", language: "es" });
    expect(await socket.next("error")).toMatchObject({ code: "Forbidden" });
  });
});

describe("presigned viewer URLs and listener tokens", () => {
  /** Status of a signaling upgrade: 101 when the KVS emulator accepted it. */
  function signalingStatus(url: string): Promise<number> {
    return new Promise((resolve) => {
      const ws = new WebSocket(url);
      ws.once("open", () => {
        ws.close();
        resolve(101);
      });
      ws.once("unexpected-response", (_req, res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      ws.once("error", () => resolve(0));
    });
  }
  const secret = () => readFileSync(join(dataDir, LISTENER_SECRET_FILE), "utf8").trim();

  it("a viewer URL connects as the viewer it was signed for", async () => {
    expect(await signalingStatus(listener.viewerUrl)).toBe(101);
  });

  it.each([
    ["used as master", (u: string) => u.replace("/kvs-signaling/viewer?", "/kvs-signaling/master?")],
    ["with another client id", (u: string) => u.replace(/X-Amz-ClientId=[^&]+/, "X-Amz-ClientId=someone-else")],
    ["without its client id", (u: string) => u.replace(/&?X-Amz-ClientId=[^&]+/, "")],
    [
      "pointed at another session's channel",
      (u: string) =>
        u.replace(/X-Amz-ChannelARN=[^&]+/, `X-Amz-ChannelARN=${encodeURIComponent(otherListener.channelArn)}`),
    ],
    [
      "with a changed signature",
      (u: string) =>
        u.replace(/X-Amz-Signature=([0-9a-f])/, (_m, c: string) => `X-Amz-Signature=${c === "0" ? "1" : "0"}`),
    ],
    ["with a longer expiry", (u: string) => u.replace(/X-Amz-Expires=\d+/, "X-Amz-Expires=604800")],
  ])("a viewer URL %s is refused with 403", async (_name, tamper) => {
    const tampered = tamper(listener.viewerUrl);
    expect(tampered).not.toBe(listener.viewerUrl);
    expect(await signalingStatus(tampered)).toBe(403);
  });

  it("an expired viewer URL is refused with 403", async () => {
    const url = new URL(listener.viewerUrl);
    const expired = await presignSignalingUrl({
      endpoint: `${url.protocol}//${url.host}${url.pathname}`,
      channelArn: listener.channelArn,
      role: "VIEWER",
      clientId: listener.id,
      credentials: server.context.credentials,
      region: server.context.region,
      expiresSeconds: 299,
      signingDate: new Date(Date.now() - 10 * 60_000),
    });
    expect(await signalingStatus(expired)).toBe(403);
  });

  it("the master URLs go to the owner only, and connect as master", async () => {
    const grants = ChannelsResponse.parse((await call("GET", `/sessions/${s.id}/channels`, "owner")).json);
    const master = grants.channels[0];
    expect(master?.role).toBe("MASTER");
    expect(await signalingStatus(master?.signedUrl ?? "")).toBe(101);
  });

  it.each([
    ["expired", () => createListenerToken({ s: s.id, l: listener.id, exp: Date.now() - 1000 }, secret()), /expired/],
    [
      "re-signed with another secret",
      () => createListenerToken({ s: s.id, l: listener.id, exp: Date.now() + 60_000 }, "x".repeat(43)),
      /not valid/,
    ],
    [
      "with its claims changed to this session",
      () => {
        const [v, , sig] = otherListener.token.split(".");
        const claims = Buffer.from(JSON.stringify({ s: s.id, l: listener.id, exp: Date.now() + 60_000 })).toString(
          "base64url",
        );
        return `${v}.${claims}.${sig}`;
      },
      /not valid/,
    ],
    ["of another session", () => otherListener.token, /another session/],
  ])("a listener token %s opens no socket and refreshes nothing", async (_name, token, message) => {
    const t = token();
    const url = `${server.context.config.webSocketUrl}?${new URLSearchParams({ role: "listener", sessionId: s.id, token: t })}`;
    const err = (await openSocket(url).catch((e) => e)) as { status?: number; body?: string };
    expect(err.status).toBe(401);
    expect(err.body).toMatch(/Unauthorized/);
    const refresh = await call("POST", `/sessions/${s.id}/listeners/${listener.id}/refresh`, "anonymous", {
      listenerToken: t,
    });
    expect(refresh.status).toBe(401);
    // The HTTP API says why; the WebSocket upgrade only says Unauthorized (API Gateway's authorizer).
    expect(refresh.text).toMatch(message);
  });
});
