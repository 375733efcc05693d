import { JoinResponse } from "@babelcast/protocol";
import { afterAll, describe, expect, it } from "vitest";
import { type Harness, openListener, openSocket, startHarness, wsUrl } from "./harness.js";

let h: Harness | undefined;
afterAll(async () => {
  await h?.stop();
});

describe("restart durability", () => {
  it("sessions, listeners and segments survive a restart of the embedded server", async () => {
    h = await startHarness({ sessions: { viewersPerChannel: 2, countsDebounceMs: 20 } });
    const created = await h.api(
      "POST",
      "/sessions",
      { title: "Durable", sourceLanguage: "en", targetLanguages: ["es"], transcriptPublic: true },
      h.ownerToken,
    );
    const id = created.json.id as string;
    const join = JoinResponse.parse((await h.api("POST", `/sessions/${id}/listeners`, { language: "en" })).json);
    const other = JoinResponse.parse((await h.api("POST", `/sessions/${id}/listeners`, { language: "en" })).json);
    const consoleWs = await openSocket(wsUrl(h, { role: "console", sessionId: id, token: h.ownerToken }));
    const listener = await openListener(h.server.context.config, id, join.listenerToken, "en");
    await consoleWs.next("listener-counts", 5000, (m) => m.total === 1);
    const now = Date.now();
    for (let seq = 0; seq < 3; seq++) {
      consoleWs.send({
        action: "segment",
        seq,
        text: `Sentence ${seq}.`,
        startTime: seq,
        endTime: seq + 0.5,
        stages: { committedAt: now, sentAt: now },
      });
    }
    await listener.next("caption", 5000, (m) => m.seq === 2);
    consoleWs.send({ action: "status", status: "live", muted: false });
    await listener.next("session-status");

    await h.restart();

    const after = await h.api("GET", `/sessions/${id}`, undefined, h.ownerToken);
    expect(after.status).toBe(200);
    expect(after.json).toMatchObject({ id, title: "Durable", status: "live", targetLanguages: ["es"] });
    expect(after.json.channels).toHaveLength(1);
    // The connections of the previous run are gone: nobody counts as listening.
    expect(after.json.channels[0].viewers).toBe(0);
    const transcript = await h.api("GET", `/sessions/${id}/transcript?format=srt`);
    expect(transcript.text).toMatch(/Sentence 0\.[\s\S]*Sentence 1\.[\s\S]*Sentence 2\./);

    // The reloading listener gets its slot back with its old id and token (the token secret survived).
    const rejoin = JoinResponse.parse(
      (
        await h.api("POST", `/sessions/${id}/listeners`, {
          language: "es",
          listenerId: join.listenerId,
          listenerToken: join.listenerToken,
        })
      ).json,
    );
    expect(rejoin.listenerId).toBe(join.listenerId);
    expect(rejoin.audio.mode === "webrtc" && rejoin.audio.signaling.channelArn).toBe(
      other.audio.mode === "webrtc" && other.audio.signaling.channelArn,
    );
    // A new listener finds the channel full (both slots reserved) and the pool grows.
    const third = JoinResponse.parse((await h.api("POST", `/sessions/${id}/listeners`, { language: "en" })).json);
    expect(third.audio.mode === "webrtc" && third.audio.signaling.channelArn).not.toBe(
      rejoin.audio.mode === "webrtc" && rejoin.audio.signaling.channelArn,
    );

    // The old connection is closed; the console reconnects and sees the resumed listener.
    const console2 = await openSocket(wsUrl(h, { role: "console", sessionId: id, token: h.ownerToken }));
    const listener2 = await openListener(h.server.context.config, id, rejoin.listenerToken, "en");
    const counts = await console2.next("listener-counts", 5000, (m) => m.total === 1);
    expect(counts.byLanguage).toEqual({ es: 1 });
    listener2.send({ action: "hello", lastSeq: 1 });
    await listener2.next("session-status");
    await console2.close();
    await listener2.close();
  });
});
