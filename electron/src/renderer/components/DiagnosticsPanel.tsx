import { languageInfo } from "@babelcast/protocol";
import { formatBitrate } from "../media/diagnostics.js";
import type { ViewerInfo } from "../media/mediaHub.js";

export interface DiagnosticsPanelProps {
  readonly viewers: readonly ViewerInfo[];
}

const ms = (v: number | undefined) => (v === undefined ? "–" : `${Math.round(v)} ms`);
const pct = (v: number | undefined) => (v === undefined ? "–" : `${(v * 100).toFixed(1)}%`);

/** One row per listener connection, from getStats: why one listener struggles, without developer tools. */
export function DiagnosticsPanel({ viewers }: DiagnosticsPanelProps) {
  return (
    <section class="panel diagnostics" data-testid="diagnostics">
      <h2>Listener connections</h2>
      {viewers.length === 0 ? (
        <p class="muted">No listener is connected by audio yet.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>Listener</th>
              <th>Language</th>
              <th>State</th>
              <th>Path</th>
              <th>RTT</th>
              <th>Jitter</th>
              <th>Loss</th>
              <th>Bitrate</th>
              <th>Verdict</th>
            </tr>
          </thead>
          <tbody>
            {viewers.map((v) => {
              const d = v.diagnostics;
              return (
                <tr key={v.clientId} data-testid="viewer-row" data-state={v.state}>
                  <td title={v.clientId}>{v.clientId.slice(0, 8)}</td>
                  <td>{v.language ? (languageInfo(v.language)?.englishName ?? v.language) : "original"}</td>
                  <td>{v.state}</td>
                  <td>
                    {d?.localCandidateType ?? "–"} → {d?.remoteCandidateType ?? "–"}
                    {d?.relayed ? " (relay)" : ""}
                  </td>
                  <td>{ms(d?.roundTripMs)}</td>
                  <td>{ms(d?.jitterMs)}</td>
                  <td>{pct(d?.lossFraction)}</td>
                  <td data-testid="viewer-bitrate">{formatBitrate(d?.bitrate)}</td>
                  <td>{d?.verdict ?? "measuring…"}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
