import { encodeSpeechFrame, type LanguageStages } from "@babelcast/protocol";
import { audioDurationMs } from "../services/pipeline/audioDuration.js";
import type { RateDecision } from "../services/pipeline/lagController.js";
import { withRetry } from "../services/pipeline/retryPolicy.js";
import { stamp } from "../services/pipeline/stageTimes.js";
import type { LanguageOutcome, PipelineDeps, PipelineSegment, SynthesizedSpeech } from "./pipelineDeps.js";

/**
 * Runs one committed segment through the pipeline: every active language in parallel,
 * translate → synthesize → fan out once per language (captions to that language's
 * listeners, speech to the console), with stage timestamps persisted and reported.
 *
 * - Order: each language's sequence number is taken synchronously on entry (the order
 *   segments arrive), and results go out through the language's in-order release and
 *   publishing chain, so a segment never overtakes an earlier one.
 * - Isolation: each language retries on its own promise; when translation retries are
 *   spent, the console gets the error and later segments are not held; when synthesis
 *   retries are spent, the caption still goes out, without speech.
 * - Bounded lag: the rate each segment is spoken at comes from the session's lag controller.
 *
 * Resolves when every language's result of this segment has gone out.
 */
export async function processSegment(segment: PipelineSegment, deps: PipelineDeps): Promise<LanguageOutcome[]> {
  const { state } = deps;
  // Sequence numbers before any await: arrival order is the order listeners see.
  const plans = segment.languages.map((language) => ({ language, seq: state.release.assign(language) }));
  return Promise.all(plans.map((plan) => runLanguage(segment, plan.language, plan.seq, deps)));
}

function errorText(err: unknown): string {
  const e = err as { name?: string; message?: string } | undefined;
  return `${e?.name ?? "Error"}: ${e?.message ?? String(err)}`;
}

async function runLanguage(
  segment: PipelineSegment,
  language: string,
  seq: number,
  deps: PipelineDeps,
): Promise<LanguageOutcome> {
  const { state } = deps;
  const { settings } = state;
  const runtime = { sleep: deps.sleep, random: deps.random };
  let stages: LanguageStages = {};
  let text: string | undefined;
  let error: string | undefined;
  let speech: SynthesizedSpeech | undefined;
  let decision: RateDecision | undefined;

  if (language === segment.sourceLanguage) {
    text = segment.text;
  } else {
    const translated = await withRetry(
      () => deps.translate(segment.text, segment.sourceLanguage, language, settings.terminologyName),
      settings.retry,
      runtime,
    );
    if (translated.ok) {
      text = translated.value;
      stages = stamp(stages, "translatedAt", deps.now());
    } else {
      error = `translation failed after ${translated.attempts} attempt(s): ${errorText(translated.error)}`;
    }
  }

  const voice = settings.voices[language];
  if (text !== undefined && language !== segment.sourceLanguage && voice) {
    const sourceEndMs = segment.stages.spokenEndAt ?? segment.stages.committedAt;
    const chosen = state.lag.chooseRate(language, { nowMs: deps.now(), sourceEndMs, characters: text.length });
    decision = chosen;
    const spoken = text;
    const synthesized = await withRetry(
      () => deps.synthesize(spoken, language, voice, chosen.rate),
      settings.retry,
      runtime,
    );
    if (synthesized.ok) {
      speech = synthesized.value;
      stages = stamp(stages, "synthesizedAt", deps.now());
    } else {
      state.lag.cancel(language, chosen);
      error = `speech failed after ${synthesized.attempts} attempt(s), caption sent without it: ${errorText(synthesized.error)}`;
    }
  }

  const outcome = (): LanguageOutcome => ({
    language,
    seq,
    ...(text !== undefined ? { text } : {}),
    stages,
    speechMissing: text !== undefined && language !== segment.sourceLanguage && speech === undefined,
    ...(decision && speech ? { rate: decision.rate } : {}),
    ...(error !== undefined ? { error } : {}),
  });
  // Durability first: the translation is stored before anybody sees it.
  if (text !== undefined) await deps.persist(segment.seq, outcome());

  let markDelivered!: () => void;
  let markFailed!: (err: unknown) => void;
  const delivered = new Promise<void>((resolve, reject) => {
    markDelivered = resolve;
    markFailed = reject;
  });
  const deliver = async () => {
    if (text !== undefined) {
      await deps.publishCaption(language, {
        type: "caption",
        language,
        seq,
        segmentSeq: segment.seq,
        text,
        sourceText: segment.text,
        ...(segment.stages.spokenEndAt !== undefined ? { spokenEndAt: segment.stages.spokenEndAt } : {}),
        speechMissing: outcome().speechMissing,
      });
    }
    if (speech && decision) {
      await deps.publishSpeech(
        language,
        encodeSpeechFrame({
          language,
          seq,
          segmentSeq: segment.seq,
          format: speech.format,
          sampleRate: speech.sampleRate,
          rate: decision.rate,
          audio: speech.audio,
        }),
      );
      state.lag.enqueue(language, {
        nowMs: deps.now(),
        sourceEndMs: segment.stages.spokenEndAt ?? segment.stages.committedAt,
        decision,
        actualMs: audioDurationMs(speech.audio, speech.format, speech.sampleRate),
        characters: text?.length ?? 0,
      });
    }
    if (text !== undefined) stages = stamp(stages, "deliveredAt", deps.now());
    await deps.publishProgress({
      type: "segment-progress",
      segmentSeq: segment.seq,
      language,
      ...(text !== undefined ? { text } : {}),
      source: segment.stages,
      stages,
      ...(error !== undefined ? { error } : {}),
    });
    if (text !== undefined) await deps.persist(segment.seq, outcome());
  };

  const ready = state.release.complete(language, seq, {
    deliver: () => deliver().then(markDelivered, (err) => markFailed(err)),
  });
  for (const pending of ready) {
    // One chain per language: a delivery starts only when the previous one has gone out.
    const previous = state.publishing.get(language) ?? Promise.resolve();
    const next = previous.then(pending.deliver);
    state.publishing.set(language, next);
  }
  await delivered;
  return outcome();
}
