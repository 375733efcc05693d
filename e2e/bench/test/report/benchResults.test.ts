import { describe, expect, it } from "vitest";
import { BENCH_METRICS, UNMEASURED_METRICS } from "../../metricCatalog.js";
import { addBenchOutput, catalogDuplicates, emptyResults, skipMissing } from "../../report/benchResults.js";
import type { RunConditions } from "../../report/runConditions.js";

const CATALOG = { asr: ["engine_ms", "asr_wer"], pipeline: ["translate_engine_ms"], talk: ["caption_latency_ms"] };
const window = (bench: string): RunConditions => ({
  load_1m_start: 0.5,
  load_1m_end: 0.7,
  cpus: 2,
  measured_over: `the whole ${bench} bench`,
});

describe("one run's bench results", () => {
  it("refuses a metric name a second bench writes, naming both benches", () => {
    const results = emptyResults();
    addBenchOutput(
      results,
      "asr",
      { metrics: { engine_ms: { recognize_final: { p50: 900 } } }, series: {} },
      CATALOG,
      window("asr"),
    );
    expect(() =>
      addBenchOutput(
        results,
        "pipeline",
        { metrics: { engine_ms: { translate: { p50: 19 } } }, series: {} },
        CATALOG,
        window("pipeline"),
      ),
    ).toThrow(/metric "engine_ms" is written by both the asr and the pipeline bench/);
    // The first bench's figure is not overwritten.
    expect(results.metrics.engine_ms).toMatchObject({ recognize_final: { p50: 900 }, bench: "asr" });
  });

  it("refuses a series name a second bench writes (its plot would replace the other's)", () => {
    const results = emptyResults();
    addBenchOutput(results, "asr", { metrics: {}, series: { latency: [1, 2] } }, CATALOG, window("asr"));
    expect(() =>
      addBenchOutput(results, "talk", { metrics: {}, series: { latency: [3] } }, CATALOG, window("talk")),
    ).toThrow(/series "latency" is written by both the asr and the talk bench/);
  });

  it("refuses a metric the catalog does not list for the bench that wrote it", () => {
    expect(() =>
      addBenchOutput(
        emptyResults(),
        "talk",
        { metrics: { asr_wer: { value: 0.3 } }, series: {} },
        CATALOG,
        window("talk"),
      ),
    ).toThrow(/the talk bench wrote metric "asr_wer", which e2e\/bench\/metricCatalog.ts does not list for it/);
  });

  it("keeps a metric's own conditions and gives the bench's window to one measured without them", () => {
    const results = emptyResults();
    const own: RunConditions = { load_1m_start: 3, load_1m_end: 4, cpus: 1, measured_over: "this metric" };
    addBenchOutput(
      results,
      "asr",
      { metrics: { engine_ms: { p50: 1, conditions: own }, asr_wer: { value: 0.3 } }, series: {} },
      CATALOG,
      window("asr"),
    );
    expect(results.metrics.engine_ms?.conditions).toEqual(own);
    expect(results.metrics.asr_wer?.conditions).toEqual(window("asr"));
  });

  it("reports every metric it could not measure as skipped, with why", () => {
    const results = emptyResults();
    addBenchOutput(results, "asr", { metrics: { asr_wer: { value: 0.3 } }, series: {} }, CATALOG, window("asr"));
    skipMissing(
      results,
      CATALOG,
      { lag_drift_s: "no bench measures it yet" },
      ["asr", "pipeline"],
      new Map([["pipeline", "the pipeline bench exited 1: apertium not found"]]),
    );
    expect(results.metrics).toMatchObject({
      engine_ms: { skipped: "the asr bench finished without reporting it", bench: "asr" },
      translate_engine_ms: { skipped: "the pipeline bench exited 1: apertium not found", bench: "pipeline" },
      caption_latency_ms: { skipped: "not run: this run was limited to asr, pipeline", bench: "talk" },
      lag_drift_s: { skipped: "no bench measures it yet" },
    });
    expect(results.metrics.asr_wer).not.toHaveProperty("skipped");
  });

  it("the catalog gives each metric name to one bench, keeps engine_ms.recognize_final's name and the saturation burst apart", () => {
    expect(catalogDuplicates(BENCH_METRICS)).toEqual([]);
    expect(catalogDuplicates({ a: ["x", "y"], b: ["y"] })).toEqual(["y"]);
    expect(BENCH_METRICS.asr).toContain("engine_ms");
    expect(BENCH_METRICS.pipeline).toEqual(expect.arrayContaining(["translate_engine_ms", "engine_saturation_ms"]));
    const measured = new Set(Object.values(BENCH_METRICS).flat());
    expect(Object.keys(UNMEASURED_METRICS).filter((m) => measured.has(m))).toEqual([]);
  });
});
