import {
  ConsoleHelloMessage,
  ConsolePartialMessage,
  ConsoleSegmentMessage,
  ConsoleStatusMessage,
  ErrorMessage,
  JoinResponse,
  LANGUAGE_CODES,
  ListenerHelloMessage,
  ListenerLanguageMessage,
  MAX_CLIENT_MESSAGE_BYTES,
  WS_MESSAGE_ROUTES,
  type WsMessageRoute,
} from "@babelcast/protocol";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { type Harness, sendInFrames, startHarness, wsUrl } from "../gateway/harness.js";
import {
  badAuthorization,
  draw,
  encodeComponent,
  FUZZ_RUNS,
  FUZZ_SEED,
  jsonValue,
  mutated,
  nastyString,
  notJsonText,
  queryString,
  seedFor,
} from "../support/fuzzInputs.js";
import { notAClearRefusal, parseRawReply, pool, sendRaw, snapshotState, watchProcess } from "./wire.js";

/**
 * Every WebSocket message type gets FUZZ_RUNS hostile messages from the role that may send
 * it (malformed) and from the role that may not (well-formed, so only the role check stops
 * it); `$default` gets non-JSON and unknown actions; `$connect` gets hostile query
 * strings and token shapes. Every message must be answered by exactly one `error` message
 * (code and message), every refused connect by a 4xx in the error shape; the server stays
 * up, nothing is left unhandled, and no table or channel changes. Binary frames and frames over
 * 32 KB close the connection as API Gateway does (test/gateway/webSocketLimits.test.ts), so
 * messages go out as text in frames of at most 32 KB.
 *
 * The KVS signaling endpoint has its own fuzz test (backend/test/kvs/fuzz.test.ts, 12,000
 * hostile frames); it is not repeated here.
 */

type Role = "console" | "listener";
interface Frame {
  readonly role: Role;
  readonly data: string;
}

let h: Harness;
let sessionId = "";
const sockets: Record<Role, Client[]> = { console: [], listener: [] };
const watcher = watchProcess();

/** A socket that counts the error messages it gets and remembers anything else. */
interface Client {
  readonly ws: WebSocket;
  errors: number;
  readonly unexpected: string[];
  waiters: (() => void)[];
}

function open(url: string): Promise<Client> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    const client: Client = { ws, errors: 0, unexpected: [], waiters: [] };
    ws.on("message", (data, isBinary) => {
      const text = data.toString();
      const parsed = isBinary ? undefined : ErrorMessage.safeParse(safeJson(text));
      if (parsed?.success && parsed.data.code && parsed.data.message.length >= 5) client.errors += 1;
      else if (!/"type":"(listener-counts|session-status)"/.test(text)) client.unexpected.push(text.slice(0, 200));
      for (const w of client.waiters.splice(0)) w();
    });
    ws.once("open", () => resolve(client));
    ws.once("error", reject);
  });
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

beforeAll(async () => {
  h = await startHarness({ sessions: { countsDebounceMs: 0 } });
  const created = await h.api(
    "POST",
    "/sessions",
    { title: "WS fuzz", sourceLanguage: "en", targetLanguages: ["es", "fr"] },
    h.ownerToken,
  );
  sessionId = created.json.id;
  for (let i = 0; i < 2; i++)
    sockets.console.push(await open(wsUrl(h, { role: "console", sessionId, token: h.ownerToken })));
  for (const language of ["es", "en"]) {
    const join = JoinResponse.parse((await h.api("POST", `/sessions/${sessionId}/listeners`, { language })).json);
    sockets.listener.push(await open(wsUrl(h, { role: "listener", sessionId, token: join.listenerToken })));
  }
  // Let the connect-time counts and statuses arrive before the fuzz starts counting.
  await new Promise((r) => setTimeout(r, 1000));
}, 120_000);

afterAll(async () => {
  watcher.stop();
  for (const c of [...sockets.console, ...sockets.listener]) c.ws.terminate();
  await h?.stop();
});

const NOT_OFFERED = LANGUAGE_CODES.filter((c) => !["en", "es", "fr"].includes(c));
const now = Date.UTC(2026, 10, 28);
const VALID: Record<WsMessageRoute, Record<string, unknown>> = {
  segment: { seq: 1, text: "Hello.", startTime: 0, endTime: 1, stages: { committedAt: now, sentAt: now } },
  partial: { text: "Hel" },
  status: { status: "live", muted: false },
  end: {},
  hello: {},
  language: { language: "es" },
};

/** Text of a message of route `action` whose other fields are `fields` (kept in JSON text, `__proto__` and all). */
function withAction(action: string, fields: unknown): string {
  const rest = JSON.stringify(fields);
  return rest === "{}" ? `{"action":"${action}"}` : `{"action":"${action}",${rest.slice(1)}`;
}

/** Field sets that are wrong for `schema` once `action` is added. */
function badFields(action: WsMessageRoute, schema: { safeParse(v: unknown): { success: boolean } }) {
  const valid = VALID[action];
  const base = Object.keys(valid).length > 0 ? mutated(valid, ["action"]) : fc.constant({ surplus: 1 });
  return fc
    .oneof(
      base.filter((v) => v !== null && typeof v === "object" && !Array.isArray(v)),
      fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), jsonValue(), { minKeys: 1, maxKeys: 3 }),
    )
    .map((fields) => withAction(action, fields))
    .filter((text) => !schema.safeParse(JSON.parse(text)).success);
}

/** Messages past the inbound limit (but under API Gateway's 128 KB message limit, so the socket stays open). */
const oversized = (action: string) =>
  fc
    .integer({ min: MAX_CLIENT_MESSAGE_BYTES + 1, max: MAX_CLIENT_MESSAGE_BYTES + 4096 })
    .map((n) => withAction(action, { text: "x".repeat(n) }));

const console_ = (data: fc.Arbitrary<string>) => data.map((d): Frame => ({ role: "console", data: d }));
const listener_ = (data: fc.Arbitrary<string>) => data.map((d): Frame => ({ role: "listener", data: d }));

function generators(): Record<WsMessageRoute | "$default", fc.Arbitrary<Frame>> {
  const segmentSchema = ConsoleSegmentMessage;
  return {
    segment: fc.oneof(
      { weight: 6, arbitrary: console_(badFields("segment", segmentSchema)) },
      {
        weight: 1,
        arbitrary: console_(
          fc
            .record({
              start: fc.double({ min: 1, max: 1e6, noNaN: true }),
              back: fc.double({ min: 0.001, max: 1, noNaN: true }),
            })
            .map(({ start, back }) =>
              withAction("segment", { ...VALID.segment, startTime: start, endTime: start - back }),
            ),
        ),
      },
      { weight: 2, arbitrary: listener_(fc.nat().map((seq) => withAction("segment", { ...VALID.segment, seq }))) },
      { weight: 1, arbitrary: console_(oversized("segment")) },
    ),
    partial: fc.oneof(
      { weight: 6, arbitrary: console_(badFields("partial", ConsolePartialMessage)) },
      {
        weight: 2,
        arbitrary: console_(fc.nat({ max: 2000 }).map((n) => withAction("partial", { text: "y".repeat(3001 + n) }))),
      },
      {
        weight: 2,
        arbitrary: listener_(nastyString().map((text) => withAction("partial", { text: text.slice(0, 3000) }))),
      },
      { weight: 1, arbitrary: console_(oversized("partial")) },
    ),
    status: fc.oneof(
      { weight: 7, arbitrary: console_(badFields("status", ConsoleStatusMessage)) },
      {
        weight: 2,
        arbitrary: listener_(
          fc
            .record({ status: fc.constantFrom("live", "paused"), muted: fc.boolean() })
            .map((s) => withAction("status", s)),
        ),
      },
      { weight: 1, arbitrary: console_(oversized("status")) },
    ),
    end: fc.oneof(
      {
        weight: 6,
        arbitrary: console_(
          fc
            .dictionary(fc.string({ minLength: 1, maxLength: 8 }), jsonValue(), { minKeys: 1, maxKeys: 3 })
            .map((f) => withAction("end", f))
            .filter((t) => t !== '{"action":"end"}'),
        ),
      },
      { weight: 3, arbitrary: listener_(fc.constant('{"action":"end"}')) },
      { weight: 1, arbitrary: console_(oversized("end")) },
    ),
    hello: fc.oneof(
      { weight: 4, arbitrary: console_(badFields("hello", ConsoleHelloMessage)) },
      {
        weight: 4,
        arbitrary: listener_(
          fc
            .oneof(
              badFields("hello", ListenerHelloMessage),
              fc
                .oneof(fc.integer({ max: -2 }), fc.double({ noNaN: false }), fc.constant(null))
                .map((lastSeq) => withAction("hello", { lastSeq })),
            )
            .filter((t) => !ListenerHelloMessage.safeParse(safeJson(t)).success),
        ),
      },
      { weight: 1, arbitrary: listener_(oversized("hello")) },
    ),
    language: fc.oneof(
      { weight: 5, arbitrary: listener_(badFields("language", ListenerLanguageMessage)) },
      {
        weight: 2,
        arbitrary: listener_(fc.constantFrom(...NOT_OFFERED).map((language) => withAction("language", { language }))),
      },
      {
        weight: 2,
        arbitrary: console_(fc.constantFrom("en", "es", "fr").map((language) => withAction("language", { language }))),
      },
      { weight: 1, arbitrary: listener_(oversized("language")) },
    ),
    $default: fc
      .record({
        role: fc.constantFrom<Role>("console", "listener"),
        data: fc.oneof<[fc.Arbitrary<string>, ...fc.Arbitrary<string>[]]>(
          notJsonText(),
          jsonValue()
            .filter((v) => !(v && typeof v === "object" && "action" in v))
            .map((v) => JSON.stringify(v)),
          fc
            .oneof(nastyString(), fc.constantFrom("SEGMENT", "Segment", "ping", "$connect", "$default", "sendmessage"))
            .filter((a) => !(WS_MESSAGE_ROUTES as readonly string[]).includes(a))
            .map((action) => JSON.stringify({ action })),
        ),
      })
      .map(({ role, data }) => ({ role, data })),
  };
}

/** Sends frames on the role's sockets, at most `window` unanswered per socket, and waits for every answer. */
async function deliver(frames: readonly Frame[], window = 32): Promise<string[]> {
  const failures: string[] = [];
  const clients = [...sockets.console, ...sockets.listener];
  const start = new Map(clients.map((c) => [c, c.errors]));
  const sent = new Map(clients.map((c) => [c, 0]));
  const waitFor = (c: Client, answered: number, ms: number) =>
    new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), ms);
      const check = () => {
        if (c.errors - (start.get(c) ?? 0) >= answered) {
          clearTimeout(timer);
          resolve(true);
        } else c.waiters.push(check);
      };
      check();
    });
  const byRole: Record<Role, Frame[]> = { console: [], listener: [] };
  for (const f of frames) byRole[f.role].push(f);
  await Promise.all(
    (["console", "listener"] as const).flatMap((role) =>
      sockets[role].map(async (c, k) => {
        const mine = byRole[role].filter((_, i) => i % sockets[role].length === k);
        for (const f of mine) {
          const n = (sent.get(c) ?? 0) + 1;
          sent.set(c, n);
          sendInFrames(c.ws, f.data);
          if (n >= window && !(await waitFor(c, n - window + 1, 60_000))) {
            failures.push(`${role} socket ${k}: no answer to message ${n - window + 1} within 60 s`);
            return;
          }
        }
        if (!(await waitFor(c, sent.get(c) ?? 0, 60_000)))
          failures.push(
            `${role} socket ${k}: ${(sent.get(c) ?? 0) - (c.errors - (start.get(c) ?? 0))} of ${sent.get(c)} messages got no error`,
          );
      }),
    ),
  );
  for (const c of clients) {
    if (c.ws.readyState !== c.ws.OPEN) failures.push("a socket was closed by the server");
    failures.push(...c.unexpected.splice(0).map((m) => `unexpected answer (seed ${FUZZ_SEED}): ${m}`));
  }
  return failures;
}

describe("WebSocket API under hostile input", () => {
  it.each([...WS_MESSAGE_ROUTES, "$default" as const].map((r) => [r]))(
    `%s: ${FUZZ_RUNS} hostile messages each get one clear error message, and change nothing`,
    async (route) => {
      const before = await snapshotState(h.server);
      const frames = draw(generators()[route], FUZZ_RUNS, seedFor(`ws:${route}`));
      const failures = await deliver(frames);
      expect(failures.slice(0, 5)).toEqual([]);
      expect((await fetch(`${h.server.url}/healthz`)).status).toBe(200);
      expect(await snapshotState(h.server)).toBe(before);
      expect(watcher.problems).toEqual([]);
    },
    600_000,
  );

  it(`$connect: ${FUZZ_RUNS} hostile query strings and tokens are refused at the upgrade with a clear 4xx`, async () => {
    const before = await snapshotState(h.server);
    const port = Number(new URL(h.server.url).port);
    const token = fc.oneof(
      badAuthorization([h.ownerToken.slice(1), `${h.ownerToken}=`]).map((a) => (a ?? "").replace(/^Bearer /, "")),
      nastyString(),
    );
    const query = fc.oneof(
      { weight: 2, arbitrary: queryString(["role", "sessionId", "token"]) },
      {
        weight: 3,
        arbitrary: fc
          .record({
            role: fc.oneof(fc.constantFrom("console", "listener", "master", "CONSOLE", ""), nastyString()),
            sessionId: fc.oneof(fc.constant(sessionId), nastyString(), fc.constant("amber-harbor-482")),
            token,
          })
          .filter((q) => !(q.role === "console" && q.sessionId === sessionId && q.token === h.ownerToken))
          .map((q) =>
            Object.entries(q)
              .map(([k, v]) => `${k}=${encodeComponent(v)}`)
              .join("&"),
          ),
      },
    );
    const inputs = draw(query, FUZZ_RUNS, seedFor("ws:$connect"));
    const failures: string[] = [];
    await pool(inputs, 8, async (q, i) => {
      const raw = await sendRaw(
        port,
        `GET /ws?${q} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`,
      ).catch((err) => `no answer: ${String(err)}`);
      const reply = parseRawReply(raw);
      const type = /content-type:\s*([^\r\n]*)/i.exec(reply.headers)?.[1] ?? "";
      const problem = notAClearRefusal(reply.status, type, reply.body);
      if (problem && failures.length < 5)
        failures.push(`#${i} /ws?${q.slice(0, 100)} → ${problem} (seed ${FUZZ_SEED})`);
    });
    expect(failures).toEqual([]);
    expect((await fetch(`${h.server.url}/healthz`)).status).toBe(200);
    expect(await snapshotState(h.server)).toBe(before);
    expect(watcher.problems).toEqual([]);
  }, 600_000);
});
