import { languageInfo, REPORT_STAGE_LABELS, type SessionReport } from "@babelcast/protocol";
import { useEffect } from "preact/hooks";
import { listenerPlotSvg } from "../report/listenerPlot.js";

const name = (code: string) => languageInfo(code)?.englishName ?? code;
const minutes = (n: number) => n.toLocaleString("en", { maximumFractionDigits: 1 });

export interface ReportPanelProps {
  readonly report: SessionReport | undefined;
  readonly loading: boolean;
  /** Called with true while the panel is shown (the report refreshes), false when it goes. */
  readonly onWatch: (on: boolean) => void;
  readonly onRefresh: () => void;
  readonly onDownloadJson: () => void;
  readonly onDownloadHtml: () => void;
  readonly onDownloadTranscripts: () => void;
}

/** The session report: listeners per language over time, peak, listener-minutes, latency per stage, losses. */
export function ReportPanel(props: ReportPanelProps) {
  const { report, loading, onWatch } = props;
  useEffect(() => {
    onWatch(true);
    return () => onWatch(false);
  }, [onWatch]);
  return (
    <section class="panel report" data-testid="report">
      <h2>
        Session report{" "}
        <button type="button" data-testid="report-refresh" disabled={loading} onClick={props.onRefresh}>
          {loading ? "Updating…" : "Update"}
        </button>
      </h2>
      {report ? (
        <>
          <ul class="figures">
            <li>
              Peak listeners <b data-testid="report-peak">{report.listeners.peak.total}</b>
            </li>
            <li>
              Listener-minutes{" "}
              <b data-testid="report-listener-minutes">{minutes(report.listeners.listenerMinutes.total)}</b>
            </li>
            <li>
              Translations lost / retried{" "}
              <b data-testid="report-lost-retried">
                {report.segments.lost} / {report.segments.retried}
              </b>{" "}
              of {report.segments.translationsOwed}
            </li>
          </ul>
          {/* The plot is markup the report page shares; it holds only escaped text and numbers. */}
          <div
            class="plot"
            data-testid="report-plot"
            dangerouslySetInnerHTML={{ __html: listenerPlotSvg(report.listeners.perMinute, report.languages) }}
          />
          <table data-testid="report-languages">
            <thead>
              <tr>
                <th>Language</th>
                <th>Peak</th>
                <th>Listener-min</th>
              </tr>
            </thead>
            <tbody>
              {report.languages.map((l) => (
                <tr key={l} data-lang={l}>
                  <td>{name(l)}</td>
                  <td>{report.listeners.peak.byLanguage[l] ?? 0}</td>
                  <td>{minutes(report.listeners.listenerMinutes.byLanguage[l] ?? 0)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <table data-testid="report-latency">
            <thead>
              <tr>
                <th>Stage</th>
                <th>p50</th>
                <th>p95</th>
              </tr>
            </thead>
            <tbody>
              {report.latency.map((s) => (
                <tr key={s.stage} data-stage={s.stage}>
                  <td>{REPORT_STAGE_LABELS[s.stage] ?? s.stage}</td>
                  <td>{Math.round(s.p50Ms)} ms</td>
                  <td>{Math.round(s.p95Ms)} ms</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : (
        <p class="muted">{loading ? "Loading the report…" : "No report yet."}</p>
      )}
      <div class="downloads">
        <button type="button" data-testid="download-report-json" onClick={props.onDownloadJson}>
          report.json
        </button>
        <button type="button" data-testid="download-report-html" onClick={props.onDownloadHtml}>
          report.html
        </button>
        <button type="button" data-testid="download-transcripts" onClick={props.onDownloadTranscripts}>
          All transcripts (zip)
        </button>
      </div>
    </section>
  );
}
