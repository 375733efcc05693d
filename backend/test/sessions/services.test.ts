import { CreateSessionRequest } from "@babelcast/protocol";
import { describe, expect, it } from "vitest";
import { ApiFailure, describeZodError } from "../../src/services/apiErrors.js";
import { activeLanguages, countListeners } from "../../src/services/listenerCounts.js";
import { createListenerToken, verifyListenerToken } from "../../src/services/listenerTokens.js";
import {
  bearerToken,
  LOCAL_OWNER_ID,
  ownerTokenAuthenticator,
  selectOwnerAuthenticator,
} from "../../src/services/ownerAuth.js";
import { rateLimitWindow } from "../../src/services/rateLimits.js";
import { generateSessionId, ID_ADJECTIVES, ID_NOUNS } from "../../src/services/sessionIds.js";
import {
  applySessionUpdate,
  newSessionRecord,
  passcodeMatches,
  toSessionOwnerView,
  toSessionPublic,
} from "../../src/services/sessionRecords.js";
import { renderTranscript } from "../../src/services/transcript.js";

function seeded(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 31;
  };
}

describe("session ids", () => {
  it("look like amber-harbor-482 and use only the curated words", () => {
    const random = seeded(7);
    for (let i = 0; i < 500; i++) {
      const id = generateSessionId(random);
      const [adj, noun, digits] = id.split("-");
      expect(id).toMatch(/^[a-z]+-[a-z]+-\d{3}$/);
      expect(ID_ADJECTIVES).toContain(adj);
      expect(ID_NOUNS).toContain(noun);
      expect(digits).toHaveLength(3);
    }
  });

  it("word lists hold no duplicates and no word another would be confused with", () => {
    expect(new Set(ID_ADJECTIVES).size).toBe(ID_ADJECTIVES.length);
    expect(new Set(ID_NOUNS).size).toBe(ID_NOUNS.length);
    for (const w of [...ID_ADJECTIVES, ...ID_NOUNS]) expect(w).toMatch(/^[a-z]{3,8}$/);
  });

  it("spread over many ids (collisions are rare)", () => {
    const random = seeded(42);
    const ids = new Set(Array.from({ length: 1000 }, () => generateSessionId(random)));
    expect(ids.size).toBeGreaterThan(990);
  });
});

describe("session records", () => {
  const request = CreateSessionRequest.parse({
    title: "Sunday",
    sourceLanguage: "en",
    targetLanguages: ["es"],
    passcode: "1234",
  });
  const record = newSessionRecord(request, { sessionId: "amber-harbor-482", ownerId: "o", passcodeSalt: "salt" }, 5);

  it("keeps a hashed passcode, never the passcode itself", async () => {
    expect(JSON.stringify(record)).not.toContain("1234");
    expect(await passcodeMatches(record, "1234")).toBe(true);
    expect(await passcodeMatches(record, "4321")).toBe(false);
    expect(await passcodeMatches(record, undefined)).toBe(false);
  });

  it("shows listeners the public subset only", () => {
    const pub = toSessionPublic(record);
    expect(pub).toEqual({
      id: "amber-harbor-482",
      title: "Sunday",
      sourceLanguage: "en",
      targetLanguages: ["es"],
      status: "created",
      muted: false,
      passcodeRequired: true,
      transcriptPublic: false,
    });
  });

  it("shows the owner the listener page URL and viewers per channel", () => {
    const withChannel = { ...record, channels: [{ channelArn: "arn:c0", channelName: "c0", index: 0, createdAt: 1 }] };
    const view = toSessionOwnerView(withChannel, "http://10.0.0.2:8080", { "arn:c0": 4 });
    expect(view.listenerPageUrl).toBe("http://10.0.0.2:8080/s/amber-harbor-482");
    expect(view.channels).toEqual([{ channelArn: "arn:c0", viewers: 4 }]);
    expect(view.audioCapacity).toBe(100);
  });

  it("refuses an update that adds the source language as a target", () => {
    expect(() => applySessionUpdate(record, { targetLanguages: ["en"] }, 6)).toThrow(/source language/);
  });

  it("refuses to change an ended session", () => {
    expect(() => applySessionUpdate({ ...record, status: "ended" }, { title: "x" }, 6)).toThrow(ApiFailure);
  });

  it("refuses an empty update", () => {
    expect(() => applySessionUpdate(record, {}, 6)).toThrow(/names no field/);
  });
});

describe("listener tokens", () => {
  const secret = "s".repeat(40);
  const token = createListenerToken({ s: "amber-harbor-482", l: "l-abcdefgh", exp: 2000 }, secret);

  it("verify for their own session before expiry", () => {
    expect(verifyListenerToken(token, secret, "amber-harbor-482", 1000)).toEqual({
      ok: true,
      claims: { s: "amber-harbor-482", l: "l-abcdefgh", exp: 2000 },
      expired: false,
    });
  });

  it("fail after expiry, unless a rejoin window is granted", () => {
    expect(verifyListenerToken(token, secret, "amber-harbor-482", 2000)).toEqual({ ok: false, reason: "expired" });
    const rejoin = verifyListenerToken(token, secret, "amber-harbor-482", 2500, 1000);
    expect(rejoin.ok && rejoin.expired).toBe(true);
  });

  it("fail for another session, another secret or a tampered payload", () => {
    expect(verifyListenerToken(token, secret, "brave-otter-111", 1000)).toEqual({ ok: false, reason: "wrong-session" });
    expect(verifyListenerToken(token, "t".repeat(40), "amber-harbor-482", 1000)).toEqual({
      ok: false,
      reason: "signature",
    });
    const [v, , sig] = token.split(".");
    const forged = Buffer.from(JSON.stringify({ s: "amber-harbor-482", l: "other", exp: 9e15 })).toString("base64url");
    expect(verifyListenerToken(`${v}.${forged}.${sig}`, secret, "amber-harbor-482", 1000).ok).toBe(false);
    expect(verifyListenerToken("garbage", secret, "amber-harbor-482", 1000)).toEqual({
      ok: false,
      reason: "malformed",
    });
  });
});

describe("owner auth", () => {
  it("embedded mode accepts exactly the console owner token", async () => {
    const auth = ownerTokenAuthenticator("right-token-right-token-right-token");
    expect(await auth.authenticate("right-token-right-token-right-token")).toEqual({ ownerId: LOCAL_OWNER_ID });
    expect(await auth.authenticate("wrong-token-wrong-token-wrong-token")).toBeUndefined();
    expect(await auth.authenticate("short")).toBeUndefined();
  });

  it("selects the Cognito verifier in cloud mode and maps the subject to the owner", async () => {
    const seen: string[] = [];
    const auth = selectOwnerAuthenticator(
      { kind: "cognito", userPoolId: "us-east-1_abc", clientId: "client" },
      (pool, client) => {
        seen.push(`${pool}/${client}`);
        return async (token) => {
          if (token !== "valid.jwt.token") throw new Error("bad");
          return { sub: "user-1" };
        };
      },
    );
    expect(auth.kind).toBe("cognito");
    expect(seen).toEqual(["us-east-1_abc/client"]);
    expect(await auth.authenticate("valid.jwt.token")).toEqual({ ownerId: "cognito:user-1" });
    expect(await auth.authenticate("forged.jwt.token")).toBeUndefined();
  });

  it("selects the owner token in embedded mode and never builds a JWT verifier", () => {
    const auth = selectOwnerAuthenticator({ kind: "owner-token", token: "t".repeat(32) }, () => {
      throw new Error("must not be called");
    });
    expect(auth.kind).toBe("owner-token");
  });

  it("reads bearer tokens", () => {
    expect(bearerToken("Bearer abc")).toBe("abc");
    expect(bearerToken("bearer  abc ")).toBe("abc");
    expect(bearerToken("Basic abc")).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });
});

describe("listener counts", () => {
  const listeners = [
    { listenerId: "a", language: "en", channelArn: "c0", connected: true },
    { listenerId: "b", language: "es", channelArn: "c0", connected: true },
    { listenerId: "c", language: "es", connected: true },
    { listenerId: "d", language: "fr", channelArn: "c1", connected: false },
  ];

  it("count connected listeners per language and channel, and captions-only ones", () => {
    expect(countListeners(listeners)).toEqual({
      total: 3,
      byLanguage: { en: 1, es: 2 },
      byChannel: { c0: 2 },
      captionsOnly: 1,
      byViewer: { a: "en", b: "es" },
    });
  });

  it("active languages are those with a connected listener, in session order", () => {
    expect(activeLanguages(["en", "fr", "es", "de"], countListeners(listeners))).toEqual(["en", "es"]);
  });
});

describe("rate limit windows", () => {
  it("share a bucket within a window and change with the next", () => {
    const rule = { name: "joins-per-ip" as const, limit: 5, windowMs: 60_000 };
    const a = rateLimitWindow(rule, "1.2.3.4", 120_001);
    const b = rateLimitWindow(rule, "1.2.3.4", 179_999);
    const c = rateLimitWindow(rule, "1.2.3.4", 180_000);
    expect(a.bucket).toBe(b.bucket);
    expect(c.bucket).not.toBe(a.bucket);
    expect(a.resetAt).toBe(180_000);
  });
});

describe("transcripts", () => {
  const lines = [
    { seq: 1, startTime: 3.5, endTime: 61.25, text: "Second line" },
    { seq: 0, startTime: 0, endTime: 3.2, text: "First line" },
  ];

  it("render as plain text in order", () => {
    expect(renderTranscript(lines, "txt")).toBe("First line\nSecond line\n");
  });

  it("render as SRT with numbered cues and comma milliseconds", () => {
    expect(renderTranscript(lines, "srt")).toBe(
      "1\n00:00:00,000 --> 00:00:03,200\nFirst line\n\n2\n00:00:03,500 --> 00:01:01,250\nSecond line\n",
    );
  });

  it("render as WebVTT with a header, and keep cue text from breaking the format", () => {
    const vtt = renderTranscript([{ seq: 0, startTime: 0, endTime: 1, text: "a --> b\n\n c" }], "vtt");
    expect(vtt).toBe("WEBVTT\n\n00:00:00.000 --> 00:00:01.000\na -> b\nc\n");
  });
});

describe("validation messages", () => {
  it("name each bad field", () => {
    const parsed = CreateSessionRequest.safeParse({ title: "", sourceLanguage: "xx", extra: 1 });
    expect(parsed.success).toBe(false);
    if (!parsed.success) {
      const message = describeZodError(parsed.error);
      expect(message).toMatch(/title/);
      expect(message).toMatch(/sourceLanguage/);
      expect(message).toMatch(/unknown field\(s\) extra/);
    }
  });
});
