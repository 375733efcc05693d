import { type CaptionMessage, REPLAY_PAGE_CAPTIONS } from "@babelcast/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seededRandom } from "../../src/faults.js";
import { type Harness, openListener, openSocket, startHarness, type TestListener, wsUrl } from "../gateway/harness.js";

/**
 * Captions under load, through the whole path as deployed: the console's segments, the
 * WebSocket function translating them, one publish per language to the caption Event API,
 * delivery to every subscriber. 500 listeners as the page is one (WebSocket + caption channel),
 * spread over 5 languages; 100 captions; 10 % of the listeners drop both links mid-talk and come
 * back with a hello for what they missed. Bounded in count; no timing is asserted.
 */

const LISTENERS = 500;
const LANGUAGES = ["en", "es", "fr", "pt", "ca"] as const;
const CAPTIONS = 100;
const RECONNECTING = LISTENERS / 10;
/** Concurrent joins and connects: a crowd arriving, at a pace the 2-core machine keeps up with. */
const CONCURRENCY = 10;

interface Audience {
  readonly listenerId: string;
  readonly token: string;
  readonly language: string;
  socket: TestListener;
  /** Caption seqs in arrival order, across both lives of a reconnecting listener. */
  readonly seqs: number[];
  /** Caption seqs that came as the WebSocket's replay (hello), not from the channel. */
  readonly replayed: number[];
  /** Caption seqs the current life's channel subscription delivered, in arrival order. */
  fed: number[];
  /** Drops after seeing this caption (reconnecting listeners only). */
  readonly dropAfter?: number;
}

async function inBatches<T>(items: readonly T[], work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < items.length) await work(items[next++] as T);
    }),
  );
}

function follow(h: Harness, sessionId: string, a: Audience): Promise<TestListener> {
  return openListener(h.server.context.config, sessionId, a.token, a.language).then((socket) => {
    const fed: number[] = [];
    a.fed = fed;
    let page = 0;
    socket.ws.on("message", (data) => {
      const m = JSON.parse(data.toString()) as { type: string };
      if (m.type !== "caption") return;
      const seq = (m as CaptionMessage).segmentSeq;
      a.replayed.push(seq);
      // As the page does: a full page of replayed captions asks for the next.
      if (++page === REPLAY_PAGE_CAPTIONS) {
        page = 0;
        socket.send({ action: "hello", lastSeq: seq });
      }
    });
    socket.feed.ws.on("message", (data) => {
      const frame = JSON.parse(data.toString()) as { type: string; event?: string };
      if (frame.type !== "data" || !frame.event) return;
      const event = JSON.parse(frame.event) as { type: string };
      if (event.type === "caption") fed.push((event as CaptionMessage).segmentSeq);
    });
    return socket;
  });
}

function captionSeqs(socket: TestListener, language: string): number[] {
  return socket.messages
    .filter((m): m is CaptionMessage => m.type === "caption" && m.language === language)
    .map((m) => m.segmentSeq);
}

let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    // One machine plays a whole hall from one address; counts are pushed at most once a second.
    sessions: { joinsPerIpPerMinute: 100_000, countsDebounceMs: 1000, captionOrderWaitMs: 30_000 },
  });
}, 60_000);
afterAll(async () => {
  await h?.stop();
});

describe("captions to 500 listeners in 5 languages", () => {
  it("every listener that stayed got every caption of its language exactly once and in order; the 10 % that dropped got what they missed through the replay", async () => {
    const created = await h.api(
      "POST",
      "/sessions",
      { title: "Load", sourceLanguage: "en", targetLanguages: LANGUAGES.slice(1), audioCapacity: 0 },
      h.ownerToken,
    );
    expect(created.status, created.text).toBe(201);
    const sessionId = created.json.id as string;
    const random = seededRandom(17);
    const dropping = new Set<number>();
    while (dropping.size < RECONNECTING) dropping.add(Math.floor(random() * LISTENERS));

    const audience: Audience[] = [];
    await inBatches(
      Array.from({ length: LISTENERS }, (_, i) => i),
      async (i) => {
        const language = LANGUAGES[i % LANGUAGES.length] as string;
        const joined = await h.api("POST", `/sessions/${sessionId}/listeners`, { language });
        expect(joined.status, joined.text).toBe(200);
        const a: Audience = {
          listenerId: joined.json.listenerId,
          token: joined.json.listenerToken,
          language,
          socket: undefined as unknown as TestListener,
          seqs: [],
          replayed: [],
          fed: [],
          ...(dropping.has(i) ? { dropAfter: 5 + Math.floor(random() * 80) } : {}),
        };
        a.socket = await follow(h, sessionId, a);
        audience.push(a);
      },
    );
    const consoleWs = await openSocket(wsUrl(h, { role: "console", sessionId, token: h.ownerToken }));
    // Joined before the console came: its hello gets the counts as they stand.
    consoleWs.send({ action: "hello" });
    await consoleWs.next("listener-counts", 120_000, (m) => m.total === LISTENERS);

    // A dropping listener leaves right after its caption `dropAfter`, both links without a
    // close frame, and comes back shortly after with a hello for what it missed.
    const returns: Promise<void>[] = [];
    const watch = (a: Audience) => {
      if (a.dropAfter === undefined) return;
      const check = () => {
        if (!captionSeqs(a.socket, a.language).includes(a.dropAfter as number)) return;
        a.socket.ws.off("message", check);
        a.socket.feed.ws.off("message", check);
        const gone = a.socket;
        a.seqs.push(...captionSeqs(gone, a.language));
        gone.ws.terminate();
        gone.feed.ws.terminate();
        returns.push(
          (async () => {
            await new Promise((r) => setTimeout(r, 300 + random() * 700));
            a.socket = await follow(h, sessionId, a);
            a.socket.send({ action: "hello", lastSeq: Math.max(...a.seqs) });
          })(),
        );
      };
      a.socket.ws.on("message", check);
      a.socket.feed.ws.on("message", check);
    };
    for (const a of audience) watch(a);

    for (let seq = 0; seq < CAPTIONS; seq++) {
      const now = Date.now();
      consoleWs.send({
        action: "segment",
        seq,
        text: `This is sentence number ${seq} of the talk.`,
        startTime: seq * 2,
        endTime: seq * 2 + 1.5,
        stages: { committedAt: now, sentAt: now, spokenEndAt: now },
      });
      await new Promise((r) => setTimeout(r, 50));
    }
    // Everyone, the returned included, ends with the last caption of its language.
    const last = CAPTIONS - 1;
    const deadline = Date.now() + 240_000;
    const behind = () =>
      audience.filter((a) => returns.length < RECONNECTING || !captionSeqs(a.socket, a.language).includes(last));
    while (behind().length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    await Promise.all(returns);
    await new Promise((r) => setTimeout(r, 1000)); // a duplicate would have arrived by now
    expect(returns).toHaveLength(RECONNECTING);

    const all = Array.from({ length: CAPTIONS }, (_, i) => i);
    for (const a of audience) {
      if (a.dropAfter === undefined) {
        expect(captionSeqs(a.socket, a.language), `${a.listenerId} (${a.language})`).toEqual(all);
        continue;
      }
      // Before the drop: in order, exactly once. After: the channel's live captions plus the
      // replay (the page shows each seq once); together, every caption.
      const before = a.seqs;
      const lastBefore = before.at(-1) ?? -1;
      expect(before, `${a.listenerId} before its drop`).toEqual(all.slice(0, before.length));
      const after = new Set([...a.fed, ...a.replayed]);
      expect(
        all.filter((seq) => seq > lastBefore && !after.has(seq)),
        `${a.listenerId} lost after its return`,
      ).toEqual([]);
      // What was published while it was away (before its new subscription's first caption) came by the replay.
      const firstFed = a.fed.length > 0 ? Math.min(...a.fed) : CAPTIONS;
      const missed = all.filter((seq) => seq > lastBefore && seq < firstFed);
      expect(
        missed.filter((seq) => !a.replayed.includes(seq)),
        `${a.listenerId} missed and not replayed`,
      ).toEqual([]);
      // The channel delivers in order, once each.
      expect(a.fed, `${a.listenerId} channel order`).toEqual(all.slice(firstFed, firstFed + a.fed.length));
    }
    for (const a of audience) await a.socket.close();
    await consoleWs.close();
  }, 600_000);
});
