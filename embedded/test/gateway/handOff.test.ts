import { ClaimHandOffResponse, HandOffResponse, WaitingHandOffsResponse } from "@babelcast/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, openSocket, startHarness, type TestSocket, wsUrl } from "./harness.js";

/**
 * A presenter hands the session to another console through the real gateway, Lambda runtime
 * and tables: a one-time code, the claim that swaps the owner, the old console told over its
 * WebSocket, and the last stored segment for the new console to number after.
 */

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

async function liveSessionWithConsole(): Promise<{ id: string; console: TestSocket }> {
  const created = await h.api("POST", "/sessions", { title: "Hand-off", sourceLanguage: "en" }, h.ownerToken);
  expect(created.status, created.text).toBe(201);
  const id = created.json.id as string;
  const socket = await openSocket(wsUrl(h, { role: "console", sessionId: id, token: h.ownerToken }));
  socket.send({ action: "status", status: "live", muted: false });
  await socket.next("session-status", 10_000, (m) => m.status === "live");
  return { id, console: socket };
}

/** Sends segments as the console does and waits until the transcript holds each (they are stored first). */
async function sendSegments(id: string, socket: TestSocket, seqs: number[]): Promise<void> {
  const now = Date.now();
  for (const seq of seqs)
    socket.send({
      action: "segment",
      seq,
      text: `words ${seq}`,
      startTime: seq,
      endTime: seq + 1,
      stages: { committedAt: now, sentAt: now },
    });
  await expect
    .poll(
      async () => {
        const t = await h.api("GET", `/sessions/${id}/transcript?lang=en&format=txt`, undefined, h.ownerToken);
        return seqs.every((seq) => t.text.includes(`words ${seq}`));
      },
      { timeout: 15_000 },
    )
    .toBe(true);
}

describe("presenter hand-off", () => {
  it("a claimed code swaps the owner, tells the old console, and gives the last stored seq", async () => {
    const { id, console: old } = await liveSessionWithConsole();
    await sendSegments(id, old, [0, 1, 5]);
    const offered = await h.api("POST", `/sessions/${id}/handoffs`, undefined, h.ownerToken);
    expect(offered.status, offered.text).toBe(201);
    const { code } = HandOffResponse.parse(offered.json);

    const claimed = await h.api("POST", `/sessions/${id}/handoffs/claim`, { code }, h.ownerToken);
    expect(claimed.status, claimed.text).toBe(200);
    const body = ClaimHandOffResponse.parse(claimed.json);
    expect(body.lastSeq).toBe(5);
    expect(body.session.hubEpoch).toBe(1);
    expect((await old.next("handed-off", 10_000)).hubEpoch).toBe(1);
    await old.close();

    // The code works once.
    const again = await h.api("POST", `/sessions/${id}/handoffs/claim`, { code }, h.ownerToken);
    expect(again.status).toBe(410);
    expect(again.json.error.code).toBe("HandOffUsed");
    expect(again.json.error.message).toMatch(/new one/);
  });

  it("refuses a code never issued, a claim without sign-in, and changes nothing", async () => {
    const { id, console: socket } = await liveSessionWithConsole();
    const wrong = await h.api("POST", `/sessions/${id}/handoffs/claim`, { code: "A".repeat(32) }, h.ownerToken);
    expect(wrong.status).toBe(404);
    expect(wrong.json.error.message).toMatch(/not valid for this session/);
    const offered = await h.api("POST", `/sessions/${id}/handoffs`, {}, h.ownerToken);
    const { code } = HandOffResponse.parse(offered.json);
    const anonymous = await h.api("POST", `/sessions/${id}/handoffs/claim`, { code });
    expect(anonymous.status).toBe(401);
    const malformed = await h.api("POST", `/sessions/${id}/handoffs/claim`, { code: "short" }, h.ownerToken);
    expect(malformed.status).toBe(400);
    const session = await h.api("GET", `/sessions/${id}`, undefined, h.ownerToken);
    expect(session.json.hubEpoch).toBe(0);
    // The code survived the refusals: it still hands the session off once.
    const claimed = await h.api("POST", `/sessions/${id}/handoffs/claim`, { code }, h.ownerToken);
    expect(claimed.status, claimed.text).toBe(200);
    await socket.close();
  });

  it("a hand-off named for a presenter refuses a console signed in as anyone else", async () => {
    const { id, console: socket } = await liveSessionWithConsole();
    const badName = await h.api("POST", `/sessions/${id}/handoffs`, { presenter: "not an e-mail" }, h.ownerToken);
    expect(badName.status).toBe(400);
    const named = await h.api("POST", `/sessions/${id}/handoffs`, { presenter: "Ben@Example.org" }, h.ownerToken);
    expect(named.status, named.text).toBe(201);
    const offer = HandOffResponse.parse(named.json);
    expect(offer.presenter).toBe("ben@example.org");
    // The owner-token console carries no e-mail: it is not Ben.
    const claim = await h.api("POST", `/sessions/${id}/handoffs/claim`, { code: offer.code }, h.ownerToken);
    expect(claim.status).toBe(403);
    expect(claim.json.error.message).toMatch(/for another presenter/);
    expect((await h.api("GET", `/sessions/${id}`, undefined, h.ownerToken)).json.hubEpoch).toBe(0);
    await socket.close();
  });

  it("lists nothing waiting for a console without an e-mail, and nothing to anyone not signed in", async () => {
    const { id, console: socket } = await liveSessionWithConsole();
    await h.api("POST", `/sessions/${id}/handoffs`, { presenter: "ben@example.org" }, h.ownerToken);
    const listed = await h.api("GET", "/handoffs", undefined, h.ownerToken);
    expect(listed.status, listed.text).toBe(200);
    expect(WaitingHandOffsResponse.parse(listed.json).handOffs).toEqual([]);
    expect((await h.api("GET", "/handoffs")).status).toBe(401);
    await socket.close();
  });

  it("only the owner creates a hand-off, and not for an ended session", async () => {
    const { id, console: socket } = await liveSessionWithConsole();
    const anonymous = await h.api("POST", `/sessions/${id}/handoffs`);
    expect(anonymous.status).toBe(401);
    await h.api("DELETE", `/sessions/${id}`, undefined, h.ownerToken);
    const ended = await h.api("POST", `/sessions/${id}/handoffs`, undefined, h.ownerToken);
    expect(ended.status).toBe(409);
    await socket.close();
  });

  it("a console that says hello at an older hand-off count is told it was handed off", async () => {
    const { id, console: first } = await liveSessionWithConsole();
    const { code } = HandOffResponse.parse((await h.api("POST", `/sessions/${id}/handoffs`, {}, h.ownerToken)).json);
    await first.close();
    expect((await h.api("POST", `/sessions/${id}/handoffs/claim`, { code }, h.ownerToken)).status).toBe(200);
    // The old console comes back (it was away during the claim) and says which count it went live at.
    const back = await openSocket(wsUrl(h, { role: "console", sessionId: id, token: h.ownerToken }));
    back.send({ action: "hello", hubEpoch: 0 });
    expect((await back.next("handed-off", 10_000)).hubEpoch).toBe(1);
    // The new console at the current count gets the usual answer.
    back.send({ action: "hello", hubEpoch: 1 });
    expect((await back.next("listener-counts", 10_000)).total).toBe(0);
    await back.close();
  });
});
