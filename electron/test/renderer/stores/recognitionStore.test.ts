import type { SessionOwnerView } from "@babelcast/protocol";
import { describe, expect, it } from "vitest";
import type { RecognizerOptions } from "../../../src/renderer/console/recognizerLink.js";
import type { CommittedSegment } from "../../../src/renderer/recognition/committedSegment.js";
import { createNoticesStore } from "../../../src/renderer/stores/noticesStore.js";
import { createRecognitionStore } from "../../../src/renderer/stores/recognitionStore.js";

const session: SessionOwnerView = {
  id: "amber-harbor-482",
  title: "Talk",
  sourceLanguage: "en",
  targetLanguages: ["es", "fr"],
  status: "live",
  muted: false,
  passcodeRequired: false,
  transcriptPublic: false,
  glossary: [],
  voices: {},
  audioCapacity: 10,
  createdAt: 0,
  listenerPageUrl: "http://127.0.0.1:8080/s/amber-harbor-482",
  channels: [],
  embedOrigins: [],
};

/**
 * A recognizer as the console's link is one, without audio: it remembers what it was started
 * with, and on stop commits the words still in flight, tagged with its language (the link's
 * segmenter flush).
 */
function recognizers() {
  const started: RecognizerOptions[] = [];
  const log: string[] = [];
  return {
    started,
    log,
    start: async (o: RecognizerOptions) => {
      started.push(o);
      log.push(`start ${o.sourceLanguage}${o.identifyAmong ? ` identify ${o.identifyAmong.join(",")}` : ""}`);
      return {
        stop: async () => {
          const seq = o.clock.nextSeq() ?? -1;
          const now = o.clock.now();
          o.onSegment({
            seq,
            text: `in flight in ${o.sourceLanguage}`,
            startTime: 0,
            endTime: 1,
            words: [{ text: "in", startTime: 0, endTime: 1 }],
            reason: "end",
            committedAt: now,
            sourceLanguage: o.sourceLanguage,
          });
          log.push(`stopped ${o.sourceLanguage}`);
        },
      };
    },
  };
}

function store() {
  const notices = createNoticesStore();
  const sent: CommittedSegment[] = [];
  let seq = 0;
  const fake = recognizers();
  const recognition = createRecognitionStore({
    notices,
    sink: {
      onAir: () => true,
      allocateSeq: () => seq++,
      sendSegment: (s) => sent.push(s),
      sendPartial: () => {},
    },
    startRecognizer: fake.start,
  });
  return { recognition, notices, sent, fake };
}

const stream = {} as MediaStream;
const config = {} as never;

describe("recognition across a source language change", () => {
  it("commits the segment in flight in the old language and restarts the stream in the new one", async () => {
    const { recognition, sent, fake } = store();
    await recognition.start(session, config, stream, {});
    await recognition.followSource({ ...session, sourceLanguage: "es", targetLanguages: ["fr", "en"] });
    // The old capture stops as the new stream starts (no gap to wait out): either may log first.
    expect(fake.log[0]).toBe("start en");
    expect(fake.log.slice(1).sort()).toEqual(["start es", "stopped en"]);
    expect(sent).toEqual([expect.objectContaining({ seq: 0, text: "in flight in en", sourceLanguage: "en" })]);
    expect(fake.started[1]?.sourceLanguage).toBe("es");
  });

  it("does not restart when the recognizer already hears the session's source", async () => {
    const { recognition, fake } = store();
    await recognition.start(session, config, stream, {});
    await recognition.followSource({ ...session, title: "Renamed" });
    expect(fake.log).toEqual(["start en"]);
  });

  it("restarts with identification among the session's languages when turned on, and leaves the source to it", async () => {
    const { recognition, fake } = store();
    await recognition.start(session, config, stream, {});
    await recognition.setIdentify(true);
    expect(fake.log.slice(1).sort()).toEqual(["start en identify es,fr", "stopped en"]);
    await recognition.followSource({ ...session, sourceLanguage: "es", targetLanguages: ["fr", "en"] });
    expect(fake.log).toHaveLength(3);
  });

  it("shows a refused stream as a notice that offers choosing the language by hand, and stops", async () => {
    const { recognition, notices, fake } = store();
    await recognition.start(session, config, stream, {});
    await recognition.setIdentify(true);
    fake.started[1]?.onRefused?.("Automatic language identification is not available offline");
    await expect.poll(() => recognition.state.value).toBe("stopped");
    const notice = notices.list.value.find((n) => n.id === "recognizer");
    expect(notice?.text).toBe(
      "Speech recognition refused to start: Automatic language identification is not available offline",
    );
    expect(notice?.action?.label).toBe("Choose the language by hand");
    notice?.action?.run();
    await expect.poll(() => fake.log.at(-1)).toBe("start en");
    expect(recognition.identify.value).toBe(false);
  });
});
