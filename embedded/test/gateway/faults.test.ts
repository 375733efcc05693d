import type { CaptionMessage } from "@babelcast/protocol";
import { describe, expect, it } from "vitest";
import { type Harness, openListener, openSocket, startHarness, wsUrl } from "./harness.js";

async function talkWithOneListener(h: Harness) {
  const created = await h.api("POST", "/sessions", { title: "T", sourceLanguage: "en" }, h.ownerToken);
  const id = created.json.id as string;
  const joined = await h.api("POST", `/sessions/${id}/listeners`, { language: "en" });
  const consoleWs = await openSocket(wsUrl(h, { role: "console", sessionId: id, token: h.ownerToken }));
  const listener = await openListener(h.server.context.config, id, joined.json.listenerToken, "en");
  const send = (seq: number) => {
    const now = Date.now();
    consoleWs.send({
      action: "segment",
      seq,
      text: `Line ${seq}.`,
      startTime: seq,
      endTime: seq + 1,
      stages: { committedAt: now, sentAt: now },
    });
  };
  return { id, consoleWs, listener, send };
}

describe("Management API faults", () => {
  it("throttled posts to the console are retried by the SDK: every segment's progress reaches it, and every caption reaches the listener's channel in order of seq", async () => {
    const h = await startHarness({ gateway: { faults: { throttleRate: 0.2, seed: 7 } } });
    try {
      const t = await talkWithOneListener(h);
      for (let seq = 0; seq < 6; seq++) t.send(seq);
      await t.listener.next("caption", 15_000, (m) => m.seq === 5);
      const captions = t.listener.messages.filter((m): m is CaptionMessage => m.type === "caption");
      expect(captions.map((m) => m.seq)).toEqual([0, 1, 2, 3, 4, 5]);
      for (let seq = 0; seq < 6; seq++) await t.consoleWs.next("segment-progress", 15_000, (m) => m.segmentSeq === seq);
      await t.consoleWs.close();
      await t.listener.close();
    } finally {
      await h.stop();
    }
  });

  it("when every post to a connection fails, segments are still stored, captions still reach the listener through its channel, and the server keeps answering", async () => {
    const h = await startHarness({ gateway: { faults: { errorRate: 1 } } });
    try {
      const t = await talkWithOneListener(h);
      t.send(0);
      t.send(1);
      let transcript = "";
      for (let i = 0; i < 100 && transcript.split("\n").filter(Boolean).length < 2; i++) {
        await new Promise((r) => setTimeout(r, 100));
        transcript = (await h.api("GET", `/sessions/${t.id}/transcript`, undefined, h.ownerToken)).text;
      }
      expect(transcript).toBe("Line 0.\nLine 1.\n");
      await t.listener.next("caption", 15_000, (m) => m.seq === 1);
      expect((await h.api("GET", `/sessions/${t.id}`)).status).toBe(200);
      await t.consoleWs.close();
      await t.listener.close();
    } finally {
      await h.stop();
    }
  });
});
