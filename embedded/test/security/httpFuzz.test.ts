import {
  ClaimHandOffRequest,
  CreateHandOffRequest,
  CreateInterpreterInviteRequest,
  CreateSessionRequest,
  HTTP_ROUTES,
  type HttpRouteKey,
  InterpreterJoinRequest,
  JoinRequest,
  JoinResponse,
  KnownLanguage,
  LANGUAGE_CODES,
  RecordingUploadRequest,
  RefreshRequest,
  TranscriptFormat,
  UpdateSessionRequest,
} from "@babelcast/protocol";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "../gateway/harness.js";
import {
  badAuthorization,
  draw,
  FUZZ_RUNS,
  FUZZ_SEED,
  mutated,
  noiseHeaders,
  notJsonText,
  pathSegment,
  queryString,
  seedFor,
  wrongValue,
} from "../support/fuzzInputs.js";
import {
  keepAliveAgent,
  notAClearRefusal,
  parseRawReply,
  pool,
  send,
  sendRaw,
  snapshotState,
  type WireRequest,
  watchProcess,
} from "./wire.js";

/**
 * Every HTTP API route gets FUZZ_RUNS hostile requests (bodies, path parameters, query
 * strings, headers, token shapes; JSON and not; oversized). Each request is wrong in at
 * least one way by construction (the protocol's own schemas filter out the rare draw that
 * happens to be valid), so every answer must be a 4xx in the `{error:{code,message}}` shape,
 * the server must stay up, nothing may be left unhandled, and no table or channel may change.
 */

let h: Harness;
let port: number;
/** The owner's live session (es, fr offered), one with a passcode, one ended. */
const ids = { live: "", passcode: "", ended: "" };
let listener: { id: string; token: string };
let otherSessionListener: { id: string; token: string };
let endedListener: { id: string; token: string };
const watcher = watchProcess();

beforeAll(async () => {
  // Short header timeout: bytes that never finish a request are answered with 408 in 2 s, not 20.
  h = await startHarness({
    sessions: { countsDebounceMs: 0 },
    http: { headersTimeoutMs: 2000, requestTimeoutMs: 20_000 },
  });
  port = Number(new URL(h.server.url).port);
  const create = async (body: object) => (await h.api("POST", "/sessions", body, h.ownerToken)).json.id as string;
  ids.live = await create({ title: "Fuzz", sourceLanguage: "en", targetLanguages: ["es", "fr"] });
  ids.passcode = await create({ title: "Locked", sourceLanguage: "en", passcode: "4321" });
  ids.ended = await create({ title: "Over", sourceLanguage: "en" });
  const join = async (id: string, body: object) => {
    const j = JoinResponse.parse((await h.api("POST", `/sessions/${id}/listeners`, body)).json);
    return { id: j.listenerId, token: j.listenerToken };
  };
  listener = await join(ids.live, { language: "es" });
  otherSessionListener = await join(ids.passcode, { language: "en", passcode: "4321" });
  endedListener = await join(ids.ended, { language: "en" });
  expect((await h.api("DELETE", `/sessions/${ids.ended}`, undefined, h.ownerToken)).status).toBe(200);
}, 120_000);

afterAll(async () => {
  watcher.stop();
  await h?.stop();
});

const json = (v: unknown) => JSON.stringify(v);
const NOT_OFFERED = LANGUAGE_CODES.filter((c) => !["en", "es", "fr"].includes(c));

/** Owner tokens that are almost right: each must be refused like any other bad token. */
function nearOwnerTokens(): string[] {
  const t = h.ownerToken;
  const flipped = `${t.slice(0, -1)}${t.endsWith("A") ? "B" : "A"}`;
  return [
    `Bearer ${flipped}`,
    `Bearer ${t}x`,
    `Bearer ${t.slice(0, -1)}`,
    `Bearer ${t.toUpperCase() === t ? t.toLowerCase() : t.toUpperCase()}`,
    `Bearer ${listener.token}`,
    `Bearer ${otherSessionListener.token}`,
    `Basic ${t}`,
    t,
  ];
}

/** A session id that looks right but names no session, or one that does not even look right. */
const unknownId = () =>
  fc.oneof(
    { weight: 12, arbitrary: pathSegment() },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          fc.constantFrom("amber", "quiet", "zz"),
          fc.constantFrom("harbor", "field"),
          fc.integer({ min: 100, max: 999 }),
        )
        .map(([a, b, n]) => `${a}-${b}-${n}`),
    },
  );

interface Draft {
  method?: string;
  path: string;
  query?: string;
  auth?: string | undefined;
  body?: string | Buffer;
  contentType?: string | undefined;
}

/** Adds noise headers and a random query (unless the route reads the query) to a draft. */
function finish(draft: fc.Arbitrary<Draft>, method: string, noisyQuery = true): fc.Arbitrary<WireRequest> {
  return fc
    .record({ draft, headers: noiseHeaders(), query: noisyQuery ? queryString() : fc.constant("") })
    .map(({ draft: d, headers, query }) => {
      const q = d.query ?? query;
      const all: Record<string, string> = { ...headers };
      if (d.auth !== undefined) all.authorization = d.auth;
      if (d.body !== undefined) all["content-type"] = d.contentType ?? "application/json";
      return {
        method: d.method ?? method,
        target: `/api${d.path}${q ? `?${q}` : ""}`,
        headers: all,
        ...(d.body !== undefined ? { body: d.body } : {}),
      };
    });
}

/** Bodies that are wrong for `schema`: mutations of a valid one, not JSON, wrong content type. */
function badBodies(valid: Record<string, unknown>, isValid: (v: unknown) => boolean) {
  return fc.oneof(
    {
      weight: 6,
      arbitrary: mutated(valid)
        .filter((v) => !isValid(v))
        .map((v) => ({ body: json(v) })),
    },
    { weight: 2, arbitrary: notJsonText().map((t) => ({ body: t })) },
    { weight: 1, arbitrary: fc.constant({ body: "" }) },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom(
          "text/plain",
          "application/x-www-form-urlencoded",
          "multipart/form-data; boundary=x",
          "application/xml",
        )
        .map((contentType) => ({ body: json(valid), contentType })),
    },
    {
      weight: 1,
      arbitrary: fc
        .uint8Array({ maxLength: 64 })
        .map((b) => ({ body: Buffer.from(b), contentType: "application/octet-stream" })),
    },
  );
}

/** Any drawn value as query text (String() throws on objects such as `{"toString":1}`). */
const asText = (v: unknown) => (typeof v === "string" ? v : (JSON.stringify(v) ?? "undefined"));

const isValid = (schema: { safeParse(v: unknown): { success: boolean } }) => (v: unknown) =>
  schema.safeParse(v).success;

/** Wrong methods on a route's path: 405 (or 400 for methods HTTP does not know). */
const wrongMethod = (path: string, allowed: string) =>
  fc
    .constantFrom("PUT", "TRACE", "PATCH", "DELETE", "POST", "GET")
    .filter((m) => m !== allowed)
    .map((method) => ({ method, path }));

function generators(): Record<HttpRouteKey, fc.Arbitrary<WireRequest>> {
  const owner = `Bearer ${h.ownerToken}`;
  const bad = badAuthorization(nearOwnerTokens());
  const validCreate = { title: "T", sourceLanguage: "en", targetLanguages: ["es"] };
  const validUpdate = { title: "New title", targetLanguages: ["es"] };
  const validJoin = { language: "es" };
  const live = `/sessions/${ids.live}`;
  return {
    "POST /sessions": finish(
      fc.oneof(
        fc.record({ auth: bad, body: fc.constant(json(validCreate)) }).map((d) => ({ ...d, path: "/sessions" })),
        badBodies(validCreate, isValid(CreateSessionRequest)).map((b) => ({ ...b, auth: owner, path: "/sessions" })),
        fc.constant({ auth: owner, path: "/sessions" }),
      ),
      "POST",
    ),
    "GET /sessions": finish(
      fc.oneof(
        { weight: 9, arbitrary: bad.map((auth) => ({ auth, path: "/sessions" })) },
        {
          weight: 1,
          arbitrary: wrongMethod("/sessions", "GET")
            .filter((d) => d.method !== "POST")
            .map((d) => ({ ...d, auth: owner })),
        },
      ),
      "GET",
    ),
    "GET /sessions/{id}": finish(
      fc
        .record({ id: unknownId(), auth: fc.oneof(fc.constant(owner), bad) })
        .map(({ id, auth }) => ({ auth, path: `/sessions/${id}` })),
      "GET",
    ),
    "PATCH /sessions/{id}": finish(
      fc.oneof(
        {
          weight: 4,
          arbitrary: fc
            .record({ auth: bad, id: fc.oneof(fc.constant(ids.live), unknownId()) })
            .map(({ auth, id }) => ({ auth, path: `/sessions/${id}`, body: json(validUpdate) })),
        },
        {
          weight: 4,
          arbitrary: unknownId().map((id) => ({ auth: owner, path: `/sessions/${id}`, body: json(validUpdate) })),
        },
        {
          weight: 3,
          arbitrary: badBodies(validUpdate, isValid(UpdateSessionRequest)).map((b) => ({
            ...b,
            auth: owner,
            path: live,
          })),
        },
        { weight: 1, arbitrary: fc.constant({ auth: owner, path: `/sessions/${ids.ended}`, body: json(validUpdate) }) },
      ),
      "PATCH",
    ),
    "DELETE /sessions/{id}": finish(
      fc.oneof(
        fc
          .record({ auth: bad, id: fc.constantFrom(ids.live, ids.passcode) })
          .map(({ auth, id }) => ({ auth, path: `/sessions/${id}` })),
        unknownId().map((id) => ({ auth: owner, path: `/sessions/${id}` })),
        wrongMethod(live, "DELETE")
          .filter((d) => !["GET", "PATCH"].includes(d.method))
          .map((d) => ({ ...d, auth: owner, path: `${live}/x` })),
      ),
      "DELETE",
    ),
    "POST /sessions/{id}/listeners": finish(
      fc.oneof(
        {
          weight: 4,
          arbitrary: unknownId().map((id) => ({ path: `/sessions/${id}/listeners`, body: json(validJoin) })),
        },
        {
          weight: 10,
          arbitrary: badBodies(validJoin, isValid(JoinRequest)).map((b) => ({ ...b, path: `${live}/listeners` })),
        },
        {
          weight: 1,
          arbitrary: fc
            .constantFrom(...NOT_OFFERED)
            .map((language) => ({ path: `${live}/listeners`, body: json({ language }) })),
        },
        {
          weight: 1,
          arbitrary: fc
            .option(fc.oneof(fc.string({ maxLength: 64 }), fc.constant("1234")), { nil: undefined })
            .map((passcode) => ({
              path: `/sessions/${ids.passcode}/listeners`,
              body: json({ language: "en", ...(passcode !== undefined ? { passcode } : {}) }),
            })),
        },
        {
          weight: 1,
          arbitrary: fc
            .record({
              listenerToken: fc.oneof(
                fc.constantFrom(
                  otherSessionListener.token,
                  `${listener.token}x`,
                  listener.token.replace(/\.[^.]*$/, ".AAAA"),
                  endedListener.token,
                ),
                fc.string({ maxLength: 80 }),
              ),
              listenerId: fc.oneof(
                fc.constant(listener.id),
                fc.constant(otherSessionListener.id),
                fc.stringMatching(/^[A-Za-z0-9_.-]{8,20}$/),
              ),
            })
            .filter(
              ({ listenerToken, listenerId }) => !(listenerToken === listener.token && listenerId === listener.id),
            )
            .map((rejoin) => ({ path: `${live}/listeners`, body: json({ language: "es", ...rejoin }) })),
        },
        {
          weight: 1,
          arbitrary: fc.constant({ path: `/sessions/${ids.ended}/listeners`, body: json({ language: "en" }) }),
        },
      ),
      "POST",
    ),
    "POST /sessions/{id}/listeners/{listenerId}/refresh": finish(
      fc.oneof(
        {
          weight: 2,
          arbitrary: unknownId().map((id) => ({
            path: `/sessions/${id}/listeners/${listener.id}/refresh`,
            body: json({ listenerToken: listener.token }),
          })),
        },
        {
          weight: 2,
          arbitrary: pathSegment().map((lid) => ({
            path: `${live}/listeners/${lid}/refresh`,
            body: json({ listenerToken: listener.token }),
          })),
        },
        {
          weight: 3,
          arbitrary: badBodies({ listenerToken: listener.token }, isValid(RefreshRequest)).map((b) => ({
            ...b,
            path: `${live}/listeners/${listener.id}/refresh`,
          })),
        },
        {
          weight: 3,
          arbitrary: fc
            .oneof(
              fc.constantFrom(
                otherSessionListener.token,
                endedListener.token,
                `${listener.token}A`,
                listener.token.replace(/^v1/, "v2"),
                listener.token.split(".").reverse().join("."),
              ),
              fc.string({ minLength: 1, maxLength: 100 }),
            )
            .map((listenerToken) => ({
              path: `${live}/listeners/${listener.id}/refresh`,
              body: json({ listenerToken }),
            })),
        },
        {
          weight: 1,
          arbitrary: fc.constant({
            path: `/sessions/${ids.ended}/listeners/${endedListener.id}/refresh`,
            body: json({ listenerToken: endedListener.token }),
          }),
        },
      ),
      "POST",
    ),
    "GET /sessions/{id}/channels": finish(
      fc.oneof(
        fc
          .record({ auth: bad, id: fc.constantFrom(ids.live, ids.passcode) })
          .map(({ auth, id }) => ({ auth, path: `/sessions/${id}/channels` })),
        unknownId().map((id) => ({ auth: owner, path: `/sessions/${id}/channels` })),
        fc.constant({ auth: owner, path: `/sessions/${ids.ended}/channels` }),
      ),
      "GET",
    ),
    "GET /sessions/{id}/report": finish(
      fc.oneof(
        fc
          .record({ auth: bad, id: fc.constantFrom(ids.live, ids.passcode, ids.ended) })
          .map(({ auth, id }) => ({ auth, path: `/sessions/${id}/report` })),
        unknownId().map((id) => ({ auth: owner, path: `/sessions/${id}/report` })),
      ),
      "GET",
    ),
    // Uploads are off in this server (no recordings bucket): even a valid request is a 409.
    "POST /sessions/{id}/recordings": finish(
      fc.oneof(
        fc.record({ auth: bad }).map(({ auth }) => ({
          auth,
          path: `${live}/recordings`,
          body: json({ language: "es", contentType: "audio/webm", bytes: 1000 }),
        })),
        badBodies({ language: "es", contentType: "audio/webm", bytes: 1000 }, isValid(RecordingUploadRequest)).map(
          (b) => ({ ...b, auth: owner, path: `${live}/recordings` }),
        ),
        unknownId().map((id) => ({
          auth: owner,
          path: `/sessions/${id}/recordings`,
          body: json({ language: "es", contentType: "audio/webm", bytes: 1000 }),
        })),
      ),
      "POST",
    ),
    "GET /sessions/{id}/recordings": finish(
      fc.oneof(
        fc
          .record({ auth: bad, id: fc.constantFrom(ids.live, ids.passcode, ids.ended) })
          .map(({ auth, id }) => ({ auth, path: `/sessions/${id}/recordings` })),
        unknownId().map((id) => ({ auth: owner, path: `/sessions/${id}/recordings` })),
      ),
      "GET",
    ),
    "POST /sessions/{id}/handoffs": finish(
      fc.oneof(
        fc.record({ auth: bad }).map(({ auth }) => ({ auth, path: `${live}/handoffs` })),
        unknownId().map((id) => ({ auth: owner, path: `/sessions/${id}/handoffs` })),
        fc.constant({ auth: owner, path: `/sessions/${ids.ended}/handoffs` }),
        // An empty body is a valid request (it would create a hand-off): only the broken ones here.
        badBodies({ presenter: "ana" }, isValid(CreateHandOffRequest))
          .filter((b) => String(b.body ?? "").length > 0)
          .map((b) => ({ ...b, auth: owner, path: `${live}/handoffs` })),
      ),
      "POST",
    ),
    "POST /sessions/{id}/handoffs/claim": finish(
      fc.oneof(
        fc
          .record({ auth: bad, code: fc.stringMatching(/^[A-Za-z0-9_-]{32}$/) })
          .map(({ auth, code }) => ({ auth, path: `${live}/handoffs/claim`, body: json({ code }) })),
        // Well-formed codes nobody issued.
        fc
          .stringMatching(/^[A-Za-z0-9_-]{32}$/)
          .map((code) => ({ auth: owner, path: `${live}/handoffs/claim`, body: json({ code }) })),
        // Well-formed listed ids: none names the owner token's console (it has no e-mail).
        fc
          .stringMatching(/^[A-Za-z0-9_-]{43}$/)
          .map((handOff) => ({ auth: owner, path: `${live}/handoffs/claim`, body: json({ handOff }) })),
        unknownId().map((id) => ({
          auth: owner,
          path: `/sessions/${id}/handoffs/claim`,
          body: json({ code: "A".repeat(32) }),
        })),
        fc.constant({
          auth: owner,
          path: `/sessions/${ids.ended}/handoffs/claim`,
          body: json({ code: "A".repeat(32) }),
        }),
        badBodies({ code: "A".repeat(32) }, isValid(ClaimHandOffRequest)).map((b) => ({
          ...b,
          auth: owner,
          path: `${live}/handoffs/claim`,
        })),
      ),
      "POST",
    ),
    "POST /sessions/{id}/interpreters": finish(
      fc.oneof(
        fc
          .record({ auth: bad })
          .map(({ auth }) => ({ auth, path: `${live}/interpreters`, body: json({ language: "es" }) })),
        badBodies({ language: "es" }, isValid(CreateInterpreterInviteRequest)).map((b) => ({
          ...b,
          auth: owner,
          path: `${live}/interpreters`,
        })),
        // the source language and languages the session does not offer are no interpreter's
        fc
          .constantFrom("en", ...NOT_OFFERED)
          .map((language) => ({ auth: owner, path: `${live}/interpreters`, body: json({ language }) })),
        unknownId().map((id) => ({
          auth: owner,
          path: `/sessions/${id}/interpreters`,
          body: json({ language: "es" }),
        })),
        fc.constant({ auth: owner, path: `/sessions/${ids.ended}/interpreters`, body: json({ language: "es" }) }),
      ),
      "POST",
    ),
    "POST /sessions/{id}/interpreters/join": finish(
      fc.oneof(
        badBodies({ token: "A".repeat(43) }, isValid(InterpreterJoinRequest)).map((b) => ({
          ...b,
          path: `${live}/interpreters/join`,
        })),
        // well-formed tokens nobody issued
        fc
          .stringMatching(/^[A-Za-z0-9_-]{43}$/)
          .map((token) => ({ path: `${live}/interpreters/join`, body: json({ token }) })),
        unknownId().map((id) => ({ path: `/sessions/${id}/interpreters/join`, body: json({ token: "A".repeat(43) }) })),
      ),
      "POST",
    ),
    "GET /sessions/{id}/transcript": finish(
      fc.oneof(
        // anyone but the owner, on a private transcript
        {
          weight: 1,
          arbitrary: fc
            .record({ auth: bad, query: queryString(["format", "lang"]) })
            .map(({ auth, query }) => ({ auth, query, path: `${live}/transcript` })),
        },
        // the owner, with a format or language the session does not have
        {
          weight: 1,
          arbitrary: fc
            .record({
              format: fc.oneof(fc.constantFrom("txt", "srt", "vtt"), wrongValue().map(asText)),
              lang: fc.oneof(
                fc.constantFrom("en", "es", "fr"),
                fc.constantFrom(...NOT_OFFERED),
                wrongValue().map(asText),
              ),
            })
            .filter(
              ({ format, lang }) => !(TranscriptFormat.safeParse(format).success && ["en", "es", "fr"].includes(lang)),
            )
            .map(({ format, lang }) => ({
              auth: owner,
              path: `${live}/transcript`,
              query: new URLSearchParams({ format, lang }).toString(),
            })),
        },
        { weight: 2, arbitrary: unknownId().map((id) => ({ auth: owner, path: `/sessions/${id}/transcript` })) },
      ),
      "GET",
      false,
    ),
    "GET /sessions/{id}/embed": finish(
      fc.oneof(
        // a language the session does not offer, or no language at all
        fc
          .oneof(fc.constantFrom(...NOT_OFFERED), wrongValue().map(asText))
          .filter((lang) => lang !== "" && !["en", "es", "fr"].includes(lang))
          .map((lang) => ({ path: `${live}/embed`, query: new URLSearchParams({ lang }).toString() })),
        unknownId().map((id) => ({ path: `/sessions/${id}/embed` })),
      ),
      "GET",
      false,
    ),
    "GET /handoffs": finish(
      fc.oneof(
        { weight: 9, arbitrary: bad.map((auth) => ({ auth, path: "/handoffs" })) },
        { weight: 1, arbitrary: wrongMethod("/handoffs", "GET").map((d) => ({ ...d, auth: owner })) },
      ),
      "GET",
    ),
    "GET /languages": finish(
      fc.oneof(
        // anyone without the owner's token
        fc.record({ auth: bad, query: queryString(["source"]) }).map(({ auth, query }) => ({
          auth,
          query,
          path: "/languages",
        })),
        // the owner, with a source that is not a language of the table
        fc
          .oneof(wrongValue().map(asText), fc.constantFrom("xx", "EN", "e", "eng", ""))
          .filter((source) => !KnownLanguage.safeParse(source).success)
          .map((source) => ({ auth: owner, path: "/languages", query: new URLSearchParams({ source }).toString() })),
      ),
      "GET",
      false,
    ),
    // Relay routes: anything but the deployment's relay key is refused (the fuzz never has it).
    "POST /relays": finish(
      fc
        .record({
          auth: fc.option(bad, { nil: undefined }),
          body: fc.constant(json({ relayId: "relay-x", capacity: 10 })),
        })
        .map((d) => ({ ...d, path: "/relays" })),
      "POST",
    ),
    "POST /relays/{relayId}/heartbeat": finish(
      fc
        .record({
          auth: fc.option(bad, { nil: undefined }),
          body: fc.constant(json({ listeners: {}, sessions: {}, draining: false })),
        })
        .map((d) => ({ ...d, path: "/relays/relay-x/heartbeat" })),
      "POST",
    ),
    "GET /relays": finish(
      fc.option(bad, { nil: undefined }).map((auth) => ({ auth, path: "/relays" })),
      "GET",
    ),
    "POST /relays/{relayId}/drain": finish(
      fc.option(bad, { nil: undefined }).map((auth) => ({ auth, path: "/relays/relay-embedded-1/drain" })),
      "POST",
    ),
  };
}

/**
 * Request targets that crashed the server before it checked them (b262789): a `//` target made
 * `new URL()` throw inside the request and upgrade handlers.
 */
const EARLIER_CRASHES = [
  "GET // HTTP/1.1\r\nHost: x\r\n\r\n",
  "GET //[ HTTP/1.1\r\nHost: x\r\n\r\n",
  "GET //a:b@ HTTP/1.1\r\nHost: x\r\n\r\n",
  "GET //ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n",
];

/** Requests broken in their request line, headers or framing, each in its own way. */
const MALFORMED_HTTP = [
  "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n",
  "GET /api/sessions HTTP/9.9\r\nHost: x\r\n\r\n",
  "BREW /api/sessions HTTP/1.1\r\nHost: x\r\n\r\n",
  "POST /api/sessions HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nabcdef",
  "POST /api/sessions HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n",
  "POST /api/sessions HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
  "GET /api/sessions HTTP/1.1\r\nHost: x\r\nBad Header: x\r\n\r\n",
  "GET /api/sessions HTTP/1.1\r\nHost: x\r\nX: \u0000\r\n\r\n",
  `GET /api/sessions HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`,
  `GET /${"a".repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`,
];

/** Why a raw answer is not a clear 4xx refusal in the error shape (a silent close is status 0). */
function refusalProblem(reply: { status: number; headers: string; body: string }): string | undefined {
  if (reply.status === 0) return `no HTTP answer: ${JSON.stringify(reply.headers.slice(0, 80))}`;
  const type = /content-type:\s*([^\r\n]*)/i.exec(reply.headers)?.[1] ?? "";
  return notAClearRefusal(reply.status, type, reply.body);
}

/** Bodies past the size limit: refused with 413 before anything reads them. */
const OVERSIZED_PER_ROUTE = 3;

describe("HTTP API under hostile input", () => {
  it.each(HTTP_ROUTES.map((r) => [r]))(
    `%s: ${FUZZ_RUNS} hostile requests are all refused with a clear 4xx and change nothing`,
    async (route) => {
      const before = await snapshotState(h.server);
      const seed = seedFor(route);
      const inputs = draw(generators()[route], FUZZ_RUNS, seed);
      if (route.startsWith("POST") || route.startsWith("PATCH")) {
        const path = route.replace("{id}", ids.live).replace("{listenerId}", listener.id).split(" ")[1];
        for (let i = 0; i < OVERSIZED_PER_ROUTE; i++)
          inputs.push({
            method: route.split(" ")[0] ?? "POST",
            target: `/api${path}`,
            headers: { authorization: `Bearer ${h.ownerToken}`, "content-type": "application/json" },
            body: `{"title":"${"x".repeat(1024 * 1024 + i)}"}`,
          });
      }
      const agent = keepAliveAgent(8);
      const failures: string[] = [];
      await pool(inputs, 8, async (input, i) => {
        let problem: string | undefined;
        try {
          const reply = await send(h.server.url, agent, input);
          problem = notAClearRefusal(reply.status, reply.contentType, reply.body);
        } catch (err) {
          problem = `no answer: ${String(err)}`;
        }
        if (problem && failures.length < 5)
          failures.push(
            `#${i} ${input.method} ${input.target.slice(0, 120)} ${JSON.stringify(input.headers).slice(0, 200)} ${String(input.body).slice(0, 200)} → ${problem} (seed ${FUZZ_SEED})`,
          );
      });
      agent.destroy();
      expect(failures).toEqual([]);
      expect((await fetch(`${h.server.url}/healthz`)).status).toBe(200);
      expect(await snapshotState(h.server)).toBe(before);
      expect(watcher.problems).toEqual([]);
    },
    600_000,
  );

  it.each(EARLIER_CRASHES.map((raw) => [JSON.stringify(raw.slice(0, 40)), raw]))(
    "%s, which crashed the server before, gets a 4xx answer and the server still serves a normal request",
    async (_label, raw) => {
      const reply = parseRawReply(await sendRaw(port, Buffer.from(raw, "latin1")));
      expect(refusalProblem(reply)).toBeUndefined();
      expect((await fetch(`${h.server.url}/healthz`)).status).toBe(200);
      // The server runs in this process: a handler that throws shows up here, not as a dead server.
      expect(watcher.problems).toEqual([]);
    },
  );

  it.each(MALFORMED_HTTP.map((raw) => [JSON.stringify(raw.slice(0, 40)), raw]))(
    "malformed HTTP %s is refused with a 4xx in the error shape and the server still serves a normal request",
    async (_label, raw) => {
      const reply = parseRawReply(await sendRaw(port, Buffer.from(raw, "latin1")));
      expect(refusalProblem(reply)).toBeUndefined();
      expect((await fetch(`${h.server.url}/healthz`)).status).toBe(200);
      // The server runs in this process: a handler that throws shows up here, not as a dead server.
      expect(watcher.problems).toEqual([]);
    },
  );

  it("random bytes ending a request are each refused with a 4xx in the error shape and the server stays up", async () => {
    const before = await snapshotState(h.server);
    const line = fc.string({ unit: "binary", maxLength: 60 }).map((s) => `${s}\r\n\r\n`);
    const inputs = draw(line, Math.max(200, Math.floor(FUZZ_RUNS / 10)), seedFor("raw-http"));
    const failures: string[] = [];
    await pool(inputs, 8, async (raw, i) => {
      let problem: string | undefined;
      try {
        problem = refusalProblem(parseRawReply(await sendRaw(port, Buffer.from(raw, "latin1"))));
      } catch (err) {
        problem = String(err);
      }
      if (problem && failures.length < 5) failures.push(`#${i} ${JSON.stringify(raw.slice(0, 60))} → ${problem}`);
    });
    expect(failures).toEqual([]);
    expect((await fetch(`${h.server.url}/healthz`)).status).toBe(200);
    expect(await snapshotState(h.server)).toBe(before);
    expect(watcher.problems).toEqual([]);
  }, 120_000);
});
