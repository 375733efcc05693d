import {
  InterpreterInvite,
  InterpreterJoinResponse,
  interpreterLanguageOf,
  parseInterpreterFragment,
} from "@babelcast/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "./harness.js";

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ sessions: { joinsPerIpPerMinute: 1000 } });
});
afterAll(async () => {
  await h?.stop();
});

async function createSession(): Promise<string> {
  const res = await h.api(
    "POST",
    "/sessions",
    { title: "Talk", sourceLanguage: "en", targetLanguages: ["es", "fr"] },
    h.ownerToken,
  );
  expect(res.status, res.text).toBe(201);
  return res.json.id;
}

async function invite(id: string, language = "es"): Promise<InterpreterInvite> {
  const res = await h.api("POST", `/sessions/${id}/interpreters`, { language }, h.ownerToken);
  expect(res.status, res.text).toBe(201);
  return InterpreterInvite.parse(res.json);
}

describe("POST /sessions/{id}/interpreters", () => {
  it("gives the owner a one-time link to the console page in interpreter mode for that language", async () => {
    const id = await createSession();
    const inv = await invite(id);
    expect(inv.language).toBe("es");
    const url = new URL(inv.interpreterUrl);
    expect(url.pathname).toBe("/console/");
    expect(parseInterpreterFragment(url.hash)).toEqual({ sessionId: id, token: inv.token });
  });

  it("refuses anyone but the owner, and languages that are not a target of the session", async () => {
    const id = await createSession();
    expect((await h.api("POST", `/sessions/${id}/interpreters`, { language: "es" })).status).toBe(401);
    const source = await h.api("POST", `/sessions/${id}/interpreters`, { language: "en" }, h.ownerToken);
    expect(source.status).toBe(400);
    expect(source.json.error.message).toContain("not a target language");
  });
});

describe("POST /sessions/{id}/interpreters/join", () => {
  it("redeems an invite once for a viewer grant whose client id names the language", async () => {
    const id = await createSession();
    const inv = await invite(id, "fr");
    const first = await h.api("POST", `/sessions/${id}/interpreters/join`, { token: inv.token });
    expect(first.status, first.text).toBe(200);
    const joined = InterpreterJoinResponse.parse(first.json);
    expect(joined.language).toBe("fr");
    expect(joined.signaling.role).toBe("VIEWER");
    expect(interpreterLanguageOf(joined.signaling.clientId ?? "")).toBe("fr");
    expect(new URL(joined.signaling.signedUrl).searchParams.get("X-Amz-ClientId")).toBe(joined.signaling.clientId);

    const again = await h.api("POST", `/sessions/${id}/interpreters/join`, { token: inv.token });
    expect(again.status).toBe(409);
    expect(again.json.error.message).toContain("already used");
  });

  it("refuses a token issued for another session", async () => {
    const a = await createSession();
    const b = await createSession();
    const inv = await invite(a);
    const res = await h.api("POST", `/sessions/${b}/interpreters/join`, { token: inv.token });
    expect(res.status).toBe(401);
    expect(res.json.error.message).toContain("ask the presenter for a new one");
    // The refusal did not spend the invite.
    expect((await h.api("POST", `/sessions/${a}/interpreters/join`, { token: inv.token })).status).toBe(200);
  });

  it("gives one grant when two pages redeem the same invite at once", async () => {
    const id = await createSession();
    const inv = await invite(id);
    const replies = await Promise.all(
      [0, 1, 2].map(() => h.api("POST", `/sessions/${id}/interpreters/join`, { token: inv.token })),
    );
    expect(replies.map((r) => r.status).sort()).toEqual([200, 409, 409]);
  });
});
