import { LANGUAGES } from "@babelcast/protocol";
import { defaultVoices, synthesizeWith, translateWith } from "../../pipeline/awsEngines.js";
import { createPipelineState, type PipelineState, type VoiceChoice } from "../../pipeline/pipelineDeps.js";
import { processSegment } from "../../pipeline/processSegment.js";
import { importSessionGlossary } from "../../pipeline/sessionGlossary.js";
import { OrderedEntry } from "../../services/pipeline/orderedEntry.js";
import type { SessionRecord } from "../../services/sessionRecords.js";
import type { SegmentProcessor } from "./segmentDelivery.js";

/** A session's pipeline state, rebuilt when the settings it depends on change. */
interface SessionPipeline {
  readonly state: PipelineState;
  /** Voices and glossary the state was built from. */
  readonly settingsKey: string;
  lastUsedAt: number;
}

/** Sessions idle this long drop their pipeline state (ordering restarts at the next segment). */
const IDLE_STATE_MS = 60 * 60_000;
/** How long a segment waits for an earlier one still on its way (a resend burst arrives at once). */
const ENTRY_WAIT_MS = 2000;

function voicesOf(session: SessionRecord): Record<string, VoiceChoice> {
  const voices = defaultVoices(session.targetLanguages);
  for (const [language, voiceId] of Object.entries(session.voices)) {
    const engine = LANGUAGES.get(language)?.polly?.engine ?? "standard";
    voices[language] = { voiceId, engine };
  }
  return voices;
}

/**
 * The translation pipeline behind the segment route: translate → synthesize → fan out per
 * active language, in order, with retries and bounded lag. State (per-language order and the
 * lag controller) lives per session in this process: one embedded server, or one Lambda
 * container (a known limit in the cloud: two containers do not share it).
 */
export function createPipelineProcessor(): SegmentProcessor {
  const sessions = new Map<string, SessionPipeline>();
  const gates = new Map<string, OrderedEntry>();

  async function pipelineFor(session: SessionRecord, deps: Parameters<SegmentProcessor>[1]["deps"]) {
    const now = deps.now();
    for (const [id, p] of sessions) {
      if (now - p.lastUsedAt > IDLE_STATE_MS) {
        sessions.delete(id);
        gates.delete(id);
      }
    }
    const voices = voicesOf(session);
    const settingsKey = JSON.stringify({ voices, glossary: session.glossary, targets: session.targetLanguages });
    let pipeline = sessions.get(session.sessionId);
    if (!pipeline || pipeline.settingsKey !== settingsKey) {
      const terminologyName = await importSessionGlossary(
        deps.clients.translate,
        session,
        deps.config.terminologyNamePrefix,
      ).catch((err: unknown) => {
        // Without the glossary translation still works; the console hears why terms were not forced.
        deps.log.warn("session glossary import failed", { sessionId: session.sessionId, error: String(err) });
        return undefined;
      });
      pipeline = {
        state: createPipelineState({ voices, ...(terminologyName ? { terminologyName } : {}) }),
        settingsKey,
        lastUsedAt: now,
      };
      sessions.set(session.sessionId, pipeline);
    }
    pipeline.lastUsedAt = now;
    return pipeline.state;
  }

  return async (segment, { session, activeLanguages, publishers, deps }) => {
    if (activeLanguages.length === 0) return;
    const state = await pipelineFor(session, deps);
    let gate = gates.get(session.sessionId);
    if (!gate) {
      gate = new OrderedEntry(ENTRY_WAIT_MS);
      gates.set(session.sessionId, gate);
    }
    // Nothing may await between the gate and processSegment: it numbers captions on entry.
    await gate.enter(segment.seq);
    await processSegment(
      {
        seq: segment.seq,
        text: segment.text,
        sourceLanguage: session.sourceLanguage,
        languages: activeLanguages,
        stages: segment.stages,
      },
      {
        state,
        translate: translateWith(deps.clients.translate),
        synthesize: synthesizeWith(deps.clients.polly),
        publishCaption: (_language, caption) => publishers.publishCaption(caption),
        publishSpeech: (_language, frame) => publishers.publishSpeech(frame),
        publishProgress: (progress) => publishers.publishProgress(progress),
        persist: (_segmentSeq, outcome) =>
          publishers.persistTranslation(outcome.language, {
            seq: outcome.seq,
            text: outcome.text ?? "",
            stages: outcome.stages,
            ...(outcome.speechMissing ? { speechMissing: true } : {}),
            ...(outcome.error ? { error: outcome.error } : {}),
          }),
        now: deps.now,
        sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
        random: deps.random,
      },
    );
  };
}
