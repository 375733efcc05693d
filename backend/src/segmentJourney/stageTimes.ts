import type { LanguageStages, SourceStages } from "@babelcast/protocol";

/**
 * Stage timestamps of a segment: the source stages (committed by the console, sent,
 * received, persisted) and, per language, translated, synthesized and delivered. The
 * records are the protocol's `SourceStages` / `LanguageStages`; this adds stamping and the
 * per-stage latencies the console and the bench show. Pure.
 */

export type LanguageStage = keyof LanguageStages;

/** The stages of one segment in every language it went out in. */
export interface SegmentStageRecord {
  readonly source: SourceStages;
  readonly languages: Readonly<Record<string, LanguageStages>>;
}

export function stamp(stages: LanguageStages, stage: LanguageStage, atMs: number): LanguageStages {
  return { ...stages, [stage]: atMs };
}

export interface StageLatencies {
  /** Console commit → backend receipt (includes the WebSocket hop). */
  readonly receiveMs?: number;
  readonly translateMs?: number;
  readonly synthesizeMs?: number;
  /** Last engine stage → delivered to listeners. */
  readonly deliverMs?: number;
  /** Console commit → delivered. */
  readonly totalMs?: number;
}

const diff = (from: number | undefined, to: number | undefined) =>
  from !== undefined && to !== undefined ? to - from : undefined;

export function stageLatencies(source: SourceStages, language: LanguageStages): StageLatencies {
  const entries: [keyof StageLatencies, number | undefined][] = [
    ["receiveMs", diff(source.committedAt, source.receivedAt)],
    ["translateMs", diff(source.receivedAt, language.translatedAt)],
    ["synthesizeMs", diff(language.translatedAt, language.synthesizedAt)],
    ["deliverMs", diff(language.synthesizedAt ?? language.translatedAt, language.deliveredAt)],
    ["totalMs", diff(source.committedAt, language.deliveredAt)],
  ];
  return Object.fromEntries(entries.filter(([, v]) => v !== undefined)) as StageLatencies;
}
