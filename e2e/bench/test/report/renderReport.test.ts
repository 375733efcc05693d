import { describe, expect, it } from "vitest";
import { renderReport } from "../../report/renderReport.js";

describe("report.md", () => {
  const report = renderReport({
    machine: { cores: 2, complete_run: true },
    metrics: {
      engine_ms: {
        recognize_final: { p50: 1074, n: 5 },
        bench: "asr",
        conditions: { load_1m_start: 0.31, load_1m_end: 1.2, cpus: 2, measured_over: "this metric" },
      },
      asr_wer: {
        value: 0.28,
        bench: "asr",
        conditions: { load_1m_start: 0.3, load_1m_end: 0.4, cpus: 2, measured_over: "the whole asr bench" },
      },
      lag_drift_s: { skipped: "no bench measures it yet" },
      max_audio_listeners_direct: {
        value: 5,
        broke: "viewer 10 could not join: Error: full\n    at Object.join (x.js:1:2) | y",
        bench: "audio",
      },
    },
    plots: ["word_commit_ms.svg"],
  });

  it("gives each metric a row with its bench, figures and the load it ran under", () => {
    expect(report).toContain('| engine_ms | asr | recognize_final={"p50":1074,"n":5} | load 0.31 → 1.2 on 2 CPUs |');
    expect(report).toContain("| asr_wer | asr | value=0.28 | load 0.3 → 0.4 on 2 CPUs (the whole asr bench) |");
  });

  it("says why a metric was skipped", () => {
    expect(report).toContain("| lag_drift_s |  | skipped=no bench measures it yet |  |");
  });

  it("keeps a value with line breaks or a pipe in its one row and cell", () => {
    expect(report).toContain(
      "| max_audio_listeners_direct | audio | value=5 broke=viewer 10 could not join: Error: full at Object.join (x.js:1:2) \\| y |  |",
    );
  });

  it("shows the run's machine and plots", () => {
    expect(report).toContain("Machine: cores=2 complete_run=true");
    expect(report).toContain("![word_commit_ms.svg](word_commit_ms.svg)");
  });
});
