import { describe, expect, it } from "vitest";
import {
  createInterpreterCaptions,
  type InterpreterCaptionsDeps,
} from "../../../src/renderer/interpreter/interpreterCaptions.js";
import type { CommittedSegment } from "../../../src/renderer/recognition/committedSegment.js";

/** What the coordinator did, in order: declarations to the server, recognizers started and stopped, segments sent. */
function harness(recognizable: readonly string[]) {
  const log: string[] = [];
  const sent: CommittedSegment[] = [];
  const emitters = new Map<string, (segment: CommittedSegment) => void>();
  const deps: InterpreterCaptionsDeps = {
    canRecognize: async (language) => recognizable.includes(language),
    startRecognition: async (language, _track, onSegment) => {
      log.push(`start ${language}`);
      emitters.set(language, onSegment);
      return {
        stop: async () => {
          // The recognizer flushes its segment in flight when stopped.
          onSegment(segment(`last words in ${language}`));
          log.push(`stop ${language}`);
        },
      };
    },
    declare: async (languages) => {
      log.push(`declare [${languages.join(",")}]`);
    },
    sendSegment: (segment) => {
      sent.push(segment);
      log.push(`segment ${segment.captionLanguage}: ${segment.text}`);
    },
    warn: (language, message) => log.push(`warn ${language}: ${message}`),
  };
  return { log, sent, emitters, captions: createInterpreterCaptions(deps) };
}

const track = (id: string) => ({ id }) as unknown as MediaStreamTrack;
function segment(text: string): CommittedSegment {
  const words = text.split(" ").map((word, i) => ({ text: word, startTime: i * 0.3, endTime: i * 0.3 + 0.25 }));
  return { seq: 1, text, startTime: 0, endTime: 1, words, reason: "final", committedAt: 0 };
}

describe("interpreter captions", () => {
  it("declares the language before recognizing the interpreter, and sends their words as that language's captions", async () => {
    const h = harness(["es"]);
    h.captions.setInterpreter("es", track("a"), true);
    await h.captions.settled();
    h.emitters.get("es")?.(segment("hola a todos"));
    expect(h.log).toEqual(["declare [es]", "start es", "segment es: hola a todos"]);
    expect(h.sent[0]?.captionLanguage).toBe("es");
    expect(h.captions.recognized()).toEqual(["es"]);
  });

  it("when the interpreter drops, sends their last words as interpreted and only then gives the language back to machine translation", async () => {
    const h = harness(["es"]);
    h.captions.setInterpreter("es", track("a"), true);
    h.captions.setInterpreter("es", track("a"), false);
    await h.captions.settled();
    expect(h.log).toEqual(["declare [es]", "start es", "segment es: last words in es", "stop es", "declare []"]);
    expect(h.captions.recognized()).toEqual([]);
  });

  it("leaves a language the recognizer does not hear to machine translation: nothing declared, nothing started", async () => {
    const h = harness([]);
    h.captions.setInterpreter("es", track("a"), true);
    await h.captions.settled();
    expect(h.log).toEqual([]);
  });

  it("restarts on a new track of the same language (the interpreter reconnected) and keeps other languages declared", async () => {
    const h = harness(["es", "fr"]);
    const first = track("a");
    h.captions.setInterpreter("fr", track("f"), true);
    h.captions.setInterpreter("es", first, true);
    h.captions.setInterpreter("es", first, true);
    h.captions.setInterpreter("es", track("b"), true);
    await h.captions.settled();
    expect(h.log).toEqual([
      "declare [fr]",
      "start fr",
      "declare [fr,es]",
      "start es",
      "segment es: last words in es",
      "stop es",
      "declare [fr]",
      "declare [fr,es]",
      "start es",
    ]);
  });

  it("gives the language back and warns when recognition of the interpreter cannot start", async () => {
    const h = harness(["es"]);
    const captions = createInterpreterCaptions({
      canRecognize: async () => true,
      startRecognition: async () => {
        throw new Error("no credentials");
      },
      declare: async (languages) => void h.log.push(`declare [${languages.join(",")}]`),
      sendSegment: () => undefined,
      warn: (language, message) => void h.log.push(`warn ${language}: ${message}`),
    });
    captions.setInterpreter("es", track("a"), true);
    await captions.settled();
    expect(h.log).toEqual([
      "declare [es]",
      "declare []",
      "warn es: Recognizing the interpreter did not start (no credentials): captions stay machine translation",
    ]);
    expect(captions.recognized()).toEqual([]);
  });
});
