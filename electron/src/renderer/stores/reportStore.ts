import type { SessionOwnerView, SessionReport } from "@babelcast/protocol";
import { type ReadonlySignal, signal } from "@preact/signals";
import { saveDownload } from "../platform/saveDownload.js";
import { reportHtml } from "../report/reportHtml.js";
import { bundleEntries, transcriptZip } from "../report/transcriptBundle.js";
import type { ConsoleApi } from "../session/consoleApi.js";
import type { NoticesStore } from "./noticesStore.js";

/** How often the report refreshes while the report panel is open and the session runs. */
const LIVE_REFRESH_MS = 30_000;

/**
 * The session report: fetched from the server (which keeps the listener timeline, so it
 * survives a console restart), refreshed while shown, and saved as report.json, report.html
 * and transcripts.zip (every language in TXT, SRT and WebVTT).
 */
export function createReportStore(deps: {
  notices: NoticesStore;
  session: ReadonlySignal<SessionOwnerView | undefined>;
  api: () => ConsoleApi | undefined;
}) {
  const { notices, session } = deps;
  const report = signal<SessionReport | undefined>(undefined);
  const loading = signal(false);
  let timer: ReturnType<typeof setInterval> | undefined;

  const target = () => {
    const live = session.value;
    const api = deps.api();
    return live && api ? { live, api } : undefined;
  };

  const refresh = async (): Promise<SessionReport | undefined> => {
    const t = target();
    if (!t) return undefined;
    loading.value = true;
    try {
      report.value = await t.api.report(t.live.id);
      notices.clear("report");
      return report.value;
    } catch (err) {
      notices.push({
        id: "report",
        level: "error",
        text: `The session report could not be loaded: ${(err as Error).message}`,
      });
      return undefined;
    } finally {
      loading.value = false;
    }
  };

  /** The newest report (fetched now, so a download is never stale). */
  const fresh = async () => (await refresh()) ?? report.value;

  return {
    report,
    loading,
    refresh,
    /** Keeps the report fresh while it is on screen. */
    watch(on: boolean): void {
      if (timer) clearInterval(timer);
      timer = undefined;
      if (!on) return;
      void refresh();
      // An ended session's report no longer changes.
      timer = setInterval(() => {
        if (report.value?.status !== "ended") void refresh();
      }, LIVE_REFRESH_MS);
    },
    async downloadJson(): Promise<void> {
      const r = await fresh();
      if (r)
        saveDownload(
          new Blob([`${JSON.stringify(r, null, 2)}\n`], { type: "application/json" }),
          `${r.sessionId}-report.json`,
        );
    },
    async downloadHtml(): Promise<void> {
      const r = await fresh();
      if (r) saveDownload(new Blob([reportHtml(r)], { type: "text/html;charset=utf-8" }), `${r.sessionId}-report.html`);
    },
    /** One zip of every language's transcript in TXT, SRT and WebVTT. */
    async downloadTranscripts(): Promise<void> {
      const t = target();
      if (!t) return;
      const languages = [t.live.sourceLanguage, ...t.live.targetLanguages];
      try {
        const files = await Promise.all(
          bundleEntries(languages).map(async ({ language, format }) => ({
            language,
            format,
            text: await (await t.api.transcript(t.live.id, language, format)).text(),
          })),
        );
        const zip = transcriptZip(t.live.id, files);
        saveDownload(
          new Blob([zip as Uint8Array<ArrayBuffer>], { type: "application/zip" }),
          `${t.live.id}-transcripts.zip`,
        );
      } catch (err) {
        notices.push({
          id: "export",
          level: "error",
          text: `The transcripts could not be bundled: ${(err as Error).message}`,
        });
      }
    },
  };
}

export type ReportStore = ReturnType<typeof createReportStore>;
