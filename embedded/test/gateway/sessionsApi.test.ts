import { SessionOwnerView, SessionPublic } from "@babelcast/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "./harness.js";

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ sessions: { maxBodyBytes: 4096, sessionsPerOwnerPerHour: 1000 } });
});
afterAll(async () => {
  await h?.stop();
});

const talk = { title: "Sunday service", sourceLanguage: "en", targetLanguages: ["es", "fr"] };

async function create(body: unknown = talk) {
  const res = await h.api("POST", "/sessions", body, h.ownerToken);
  expect(res.status, res.text).toBe(201);
  return SessionOwnerView.parse(res.json);
}

async function sessionCount(): Promise<number> {
  return (await h.api("GET", "/sessions", undefined, h.ownerToken)).json.sessions.length;
}

describe("POST /sessions", () => {
  it("creates a session with a readable id, defaults and its first audio channel", async () => {
    const s = await create();
    expect(s.id).toMatch(/^[a-z]+-[a-z]+-\d{3}$/);
    expect(s).toMatchObject({
      title: "Sunday service",
      status: "created",
      audioCapacity: 100,
      passcodeRequired: false,
    });
    expect(s.listenerPageUrl).toBe(`${h.server.url}/s/${s.id}`);
    expect(s.channels).toHaveLength(1);
    expect(s.channels[0]?.channelArn).toMatch(/^arn:aws:kinesisvideo:/);
  });

  it("gives every session its own id", async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 5; i++) ids.add((await create()).id);
    expect(ids.size).toBe(5);
  });

  it.each([
    ["no token", undefined, 401, /Bearer/],
    ["a wrong token", "wrong-token-wrong-token-wrong-token-xx", 401, /owner token is wrong/],
  ])("refuses %s and creates nothing", async (_name, token, status, message) => {
    const before = await sessionCount();
    const res = await h.api("POST", "/sessions", talk, token);
    expect(res.status).toBe(status);
    expect(res.json.error.message).toMatch(message);
    expect(await sessionCount()).toBe(before);
  });

  it.each([
    ["a missing title", { sourceLanguage: "en" }, /title/],
    ["a mistyped capacity", { ...talk, audioCapacity: "many" }, /audioCapacity/],
    ["an unknown language", { ...talk, sourceLanguage: "xx" }, /sourceLanguage/],
    ["the source among the targets", { ...talk, targetLanguages: ["en"] }, /targetLanguages/],
    ["an unknown field", { ...talk, colour: "red" }, /unknown field\(s\) colour/],
    ["a body that is not JSON", "{not json", /not valid JSON/],
    ["an empty body", undefined, /needs a JSON body/],
  ])("answers 400 for %s, naming the field, and creates nothing", async (_name, body, message) => {
    const before = await sessionCount();
    const res = await h.api("POST", "/sessions", body, h.ownerToken);
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe("BadRequest");
    expect(res.json.error.message).toMatch(message);
    expect(await sessionCount()).toBe(before);
  });

  it("answers 413 for an oversized body and creates nothing", async () => {
    const before = await sessionCount();
    const res = await h.api("POST", "/sessions", { ...talk, title: "x".repeat(5000) }, h.ownerToken);
    expect(res.status).toBe(413);
    expect(res.json.error.message).toMatch(/larger than 4096 bytes/);
    expect(await sessionCount()).toBe(before);
  });
});

describe("GET /sessions/{id}", () => {
  it("shows anyone the public subset, and the owner everything", async () => {
    const s = await create({ ...talk, passcode: "secret-1" });
    const pub = await h.api("GET", `/sessions/${s.id}`);
    expect(pub.status).toBe(200);
    expect(SessionPublic.strict().parse(pub.json)).toMatchObject({ id: s.id, passcodeRequired: true });
    expect(pub.text).not.toMatch(/glossary|ownerId|passcodeHash|secret-1/);
    const own = await h.api("GET", `/sessions/${s.id}`, undefined, h.ownerToken);
    expect(SessionOwnerView.parse(own.json).channels).toHaveLength(1);
  });

  it("answers 404 for an unknown or malformed id", async () => {
    const unknown = await h.api("GET", "/sessions/quiet-comet-000");
    expect(unknown.status).toBe(404);
    expect(unknown.json.error.message).toMatch(/no session quiet-comet-000/);
    const malformed = await h.api("GET", "/sessions/NOT_AN_ID");
    expect(malformed.status).toBe(404);
  });

  it("answers CORS preflights for the pages' origins", async () => {
    const res = await fetch(`${h.apiUrl}/sessions`, {
      method: "OPTIONS",
      headers: { origin: "http://127.0.0.1:9999", "access-control-request-method": "POST" },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect(res.headers.get("access-control-allow-headers")).toMatch(/authorization/);
  });

  it("answers 404 and 405 in the API's error shape for unknown routes and methods", async () => {
    const nothing = await h.api("GET", "/nothing");
    expect(nothing.status).toBe(404);
    expect(nothing.json.error.code).toBe("NotFound");
    const wrongMethod = await h.api("PUT", "/sessions");
    expect(wrongMethod.status).toBe(405);
  });
});

describe("PATCH /sessions/{id}", () => {
  it("changes languages, glossary, voices and capacity", async () => {
    const s = await create();
    const res = await h.api(
      "PATCH",
      `/sessions/${s.id}`,
      {
        targetLanguages: ["pt"],
        glossary: [{ source: "Babelcast", targets: {} }],
        voices: { pt: "Camila" },
        audioCapacity: 20,
      },
      h.ownerToken,
    );
    expect(res.status, res.text).toBe(200);
    expect(res.json).toMatchObject({ targetLanguages: ["pt"], voices: { pt: "Camila" }, audioCapacity: 20 });
    expect((await h.api("GET", `/sessions/${s.id}`)).json.targetLanguages).toEqual(["pt"]);
  });

  it.each([
    ["a mistyped field", { audioCapacity: -1 }, 400],
    ["an unknown field", { sourceLanguage: "fr" }, 400],
    ["the source language as a target", { targetLanguages: ["en"] }, 400],
    ["nothing to change", {}, 400],
  ])("answers 4xx for %s and changes nothing", async (_name, body, status) => {
    const s = await create();
    const res = await h.api("PATCH", `/sessions/${s.id}`, body, h.ownerToken);
    expect(res.status).toBe(status);
    expect(res.json.error.message.length).toBeGreaterThan(10);
    const after = await h.api("GET", `/sessions/${s.id}`, undefined, h.ownerToken);
    expect(after.json).toMatchObject({ targetLanguages: ["es", "fr"], audioCapacity: 100, sourceLanguage: "en" });
  });

  it("refuses anyone but the owner", async () => {
    const s = await create();
    const res = await h.api("PATCH", `/sessions/${s.id}`, { title: "Hijacked" });
    expect(res.status).toBe(401);
    expect((await h.api("GET", `/sessions/${s.id}`)).json.title).toBe("Sunday service");
  });
});

describe("DELETE /sessions/{id}", () => {
  it("ends the session, deletes its channels, keeps it readable, and refuses later changes", async () => {
    const s = await create();
    const ended = await h.api("DELETE", `/sessions/${s.id}`, undefined, h.ownerToken);
    expect(ended.status).toBe(200);
    expect(ended.json.status).toBe("ended");
    expect(ended.json.endedAt).toBeGreaterThan(0);
    const again = await h.api("DELETE", `/sessions/${s.id}`, undefined, h.ownerToken);
    expect(again.status).toBe(200);
    expect((await h.api("GET", `/sessions/${s.id}`)).json.status).toBe("ended");
    const patch = await h.api("PATCH", `/sessions/${s.id}`, { title: "Later" }, h.ownerToken);
    expect(patch.status).toBe(409);
    const join = await h.api("POST", `/sessions/${s.id}/listeners`, { language: "en" });
    expect(join.status).toBe(409);
    expect(join.json.error.message).toMatch(/ended/);
    // The KVS channel is gone: the emulator no longer knows it.
    const channels = await h.api("GET", `/sessions/${s.id}/channels`, undefined, h.ownerToken);
    expect(channels.status).toBe(409);
  });
});

describe("GET /sessions", () => {
  it("lists the owner's sessions newest first, and needs the owner token", async () => {
    const a = await create({ ...talk, title: "First" });
    const b = await create({ ...talk, title: "Second" });
    const res = await h.api("GET", "/sessions", undefined, h.ownerToken);
    const ids = res.json.sessions.map((s: { id: string }) => s.id);
    expect(ids.indexOf(b.id)).toBeLessThan(ids.indexOf(a.id));
    expect((await h.api("GET", "/sessions")).status).toBe(401);
  });
});

describe("GET /sessions/{id}/channels", () => {
  it("gives the owner a master grant for every channel of the pool", async () => {
    const s = await create();
    const res = await h.api("GET", `/sessions/${s.id}/channels`, undefined, h.ownerToken);
    expect(res.status, res.text).toBe(200);
    expect(res.json.channels).toHaveLength(1);
    const grant = res.json.channels[0];
    expect(grant.role).toBe("MASTER");
    expect(grant.signedUrl).toMatch(/^ws:\/\/.*X-Amz-Signature=/);
    expect(grant.signedUrl).not.toMatch(/X-Amz-ClientId/);
    expect(grant.expiresAt).toBeGreaterThan(Date.now());
  });

  it("refuses listeners", async () => {
    const s = await create();
    const res = await h.api("GET", `/sessions/${s.id}/channels`);
    expect(res.status).toBe(401);
  });
});
