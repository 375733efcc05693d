import { type LatencyRow, medianTotal, STAGE_LABELS, STAGES, type Stage } from "../live/latency.js";

export interface LatencyChartProps {
  readonly rows: readonly LatencyRow[];
}

const COLORS: Record<Stage, string> = {
  recognize: "#7aa2f7",
  send: "#9ece6a",
  translate: "#e0af68",
  synthesize: "#f7768e",
  deliver: "#bb9af7",
  play: "#73daca",
};

/** Legend positions: each label after the previous one (about 5.5 px a character at 10 px). */
const LEGEND_X = STAGES.reduce<number[]>((xs, _stage, i) => {
  xs.push(i === 0 ? 0 : (xs[i - 1] ?? 0) + 16 + (STAGES[i - 1]?.length ?? 0) * 5.5);
  return xs;
}, []);

/** Per-stage latency of recent segments: one stacked bar per segment and language. */
export function LatencyChart({ rows }: LatencyChartProps) {
  const width = 360;
  const barH = 14;
  const gap = 4;
  const labelW = 56;
  const maxMs = Math.max(2000, ...rows.map((r) => r.totalMs));
  const scale = (width - labelW - 50) / maxMs;
  const height = Math.max(1, rows.length) * (barH + gap) + 20;
  const median = medianTotal(rows);
  return (
    <section class="panel latency" data-testid="latency-chart">
      <h2>Latency {median !== undefined && <small>median {(median / 1000).toFixed(1)} s</small>}</h2>
      {rows.length === 0 ? (
        <p class="muted">Appears with the first translated segment.</p>
      ) : (
        <svg
          width={width}
          height={height}
          viewBox={`0 0 ${width} ${height}`}
          role="img"
          aria-label="Latency per stage of recent segments"
        >
          {rows.map((r, i) => {
            let x = labelW;
            const y = i * (barH + gap);
            return (
              <g key={r.key}>
                <text x={0} y={y + barH - 3} class="chart-label">
                  #{r.segmentSeq} {r.language}
                </text>
                {r.durations.map((d) => {
                  const w = Math.max(1, d.ms * scale);
                  const rect = (
                    <rect key={d.stage} x={x} y={y} width={w} height={barH} fill={COLORS[d.stage]}>
                      <title>
                        {STAGE_LABELS[d.stage]}: {d.ms} ms
                      </title>
                    </rect>
                  );
                  x += w;
                  return rect;
                })}
                <text x={x + 4} y={y + barH - 3} class="chart-label">
                  {r.error ? "error" : `${(r.totalMs / 1000).toFixed(1)} s`}
                </text>
              </g>
            );
          })}
          <g transform={`translate(0 ${height - 6})`}>
            {STAGES.map((s, i) => (
              <g key={s} transform={`translate(${LEGEND_X[i] ?? 0} 0)`}>
                <rect x={0} y={-8} width={8} height={8} fill={COLORS[s]} />
                <text x={10} y={0} class="chart-legend">
                  {s}
                </text>
              </g>
            ))}
          </g>
        </svg>
      )}
    </section>
  );
}
