import { captionChannel } from "@babelcast/protocol";
import { describe, expect, it } from "vitest";
import {
  type CaptionAuthorizerDeps,
  createCaptionAuthorizer,
  type EventApiAuthorizerEvent,
} from "../../../src/handlers/events/captionAuthorizer.js";
import { createListenerToken } from "../../../src/services/listenerTokens.js";
import type { SessionRecord } from "../../../src/services/sessionRecords.js";

const NOW = 1_800_000_000_000;
const SECRET = "k".repeat(40);
type Session = Pick<SessionRecord, "sessionId" | "status" | "sourceLanguage" | "targetLanguages">;

const SESSIONS: Session[] = [
  { sessionId: "amber-harbor-482", status: "live", sourceLanguage: "en", targetLanguages: ["es", "de"] },
  { sessionId: "quiet-meadow-105", status: "live", sourceLanguage: "fr", targetLanguages: ["en"] },
  { sessionId: "old-bridge-900", status: "ended", sourceLanguage: "en", targetLanguages: ["es"] },
];
const LISTENERS = new Set(["amber-harbor-482/l1", "quiet-meadow-105/l2", "old-bridge-900/l3"]);

/** Session and listener rows as the tables would return them; the token is checked for real. */
const deps: CaptionAuthorizerDeps = {
  listenerTokenSecret: SECRET,
  now: () => NOW,
  session: async (id) => SESSIONS.find((s) => s.sessionId === id),
  listenerKnown: async (sessionId, listenerId) => LISTENERS.has(`${sessionId}/${listenerId}`),
};
const authorize = createCaptionAuthorizer(deps);

const token = (s: string, l: string, exp = NOW + 600_000, secret = SECRET) =>
  createListenerToken({ s, l, exp }, secret);

function request(operation: string, authorizationToken: string | undefined, channel?: string): EventApiAuthorizerEvent {
  return {
    ...(authorizationToken === undefined ? {} : { authorizationToken }),
    requestContext: {
      apiId: "api123",
      accountId: "123456789012",
      requestId: "r-1",
      operation,
      ...(channel ? { channelNamespaceName: "captions", channel } : {}),
    },
    requestHeaders: {},
  };
}

describe("caption Event API authorizer", () => {
  it("admits a connect with a valid listener token of a live session and names the listener", async () => {
    const result = await authorize(request("EVENT_CONNECT", token("amber-harbor-482", "l1")));
    expect(result).toEqual({
      isAuthorized: true,
      ttlOverride: 0,
      handlerContext: { sessionId: "amber-harbor-482", listenerId: "l1" },
    });
  });

  it("refuses a connect without a token, with a forged, expired or unknown listener's token, or for an ended session", async () => {
    const refused = [
      request("EVENT_CONNECT", undefined),
      request("EVENT_CONNECT", ""),
      request("EVENT_CONNECT", "not-a-token"),
      request("EVENT_CONNECT", token("amber-harbor-482", "l1", NOW + 600_000, "x".repeat(40))),
      request("EVENT_CONNECT", token("amber-harbor-482", "l1", NOW)),
      request("EVENT_CONNECT", token("amber-harbor-482", "stranger")),
      request("EVENT_CONNECT", token("no-such-session", "l1")),
      request("EVENT_CONNECT", token("old-bridge-900", "l3")),
    ];
    for (const r of refused) expect((await authorize(r)).isAuthorized, r.authorizationToken).toBe(false);
  });

  it("admits a subscribe to each language the token's session offers, the source language included", async () => {
    const t = token("amber-harbor-482", "l1");
    for (const language of ["en", "es", "de"]) {
      const result = await authorize(request("EVENT_SUBSCRIBE", t, captionChannel("amber-harbor-482", language)));
      expect(result.isAuthorized, language).toBe(true);
    }
  });

  it("refuses a subscribe to another session's channel, a language not offered, a wildcard or a foreign channel", async () => {
    const t = token("amber-harbor-482", "l1");
    for (const channel of [
      captionChannel("quiet-meadow-105", "en"),
      captionChannel("amber-harbor-482", "fr"),
      "/captions/amber-harbor-482/*",
      "/captions/*",
      "/default/amber-harbor-482/en",
      "/captions/amber-harbor-482/en/extra",
    ]) {
      expect((await authorize(request("EVENT_SUBSCRIBE", t, channel))).isAuthorized, channel).toBe(false);
    }
    expect((await authorize(request("EVENT_SUBSCRIBE", t))).isAuthorized).toBe(false);
  });

  it("never lets a listener publish, even to its own channel", async () => {
    const t = token("amber-harbor-482", "l1");
    const result = await authorize(request("EVENT_PUBLISH", t, captionChannel("amber-harbor-482", "en")));
    expect(result.isAuthorized).toBe(false);
  });

  it("caches no answer: every refusal and admission says ttlOverride 0", async () => {
    const allowed = await authorize(request("EVENT_CONNECT", token("amber-harbor-482", "l1")));
    const refused = await authorize(request("EVENT_CONNECT", "bad"));
    expect([allowed.ttlOverride, refused.ttlOverride]).toEqual([0, 0]);
  });
});
