/**
 * Every metric `npm run bench` reports, by the bench that writes it: one name, one bench.
 * run.ts refuses a metric written by two benches or by a bench not listed here, so a
 * figure can neither overwrite another nor go missing without a reason.
 */
export const BENCH_METRICS: Readonly<Record<string, readonly string[]>> = {
  asr: ["asr_wer", "asr_rtf", "engine_ms", "word_commit_ms"],
  audio: ["audio_glass_to_glass_ms", "audio_glass_to_glass_graph_ms", "max_audio_listeners_direct"],
  captions: ["max_caption_clients"],
  drift: ["lag_drift_s", "lag_drift_model_s"],
  listener: ["listener_page_gzip_bytes", "tap_to_audio_ms"],
  pipeline: [
    "pipeline_overhead_ms",
    "translate_engine_ms",
    "engine_saturation_ms",
    "pipeline_throughput_segments_per_min",
  ],
  relay: ["max_audio_listeners", "audio_glass_to_glass_relay_ms"],
  signaling: ["signaling_relay_ms", "signaling_memory_per_connection_kb", "master_grant_100_channels_ms"],
  talk: ["caption_latency_ms", "speech_latency_ms", "stage_ms"],
  underLoad: ["caption_latency_under_load_ms"],
};

/** Metrics the product promises that no bench measures yet, each with why: reported as skipped. */
export const UNMEASURED_METRICS: Readonly<Record<string, string>> = {};
