import { useEffect, useState } from "preact/hooks";
import type { ShortcutAction } from "../../shared/ipcChannels.js";
import type { ConsoleController } from "../console/consoleController.js";
import { shortcutFor } from "../console/shortcuts.js";
import { clearNotice } from "../state/consoleStore.js";
import { AudioInputPanel } from "./AudioInputPanel.js";
import { DiagnosticsPanel } from "./DiagnosticsPanel.js";
import { LatencyChart } from "./LatencyChart.js";
import { CostPanel, CountsPanel, ExportPanel, HealthPanel, TranscriptPanel } from "./LiveView.js";
import { NoticeList } from "./NoticeList.js";
import { QrOverlay } from "./QrOverlay.js";
import { SessionSetup } from "./SessionSetup.js";
import { SettingsPanel } from "./SettingsPanel.js";
import { SignInPanel } from "./SignInPanel.js";

export interface AppProps {
  readonly controller: ConsoleController;
}

function useMinutesSince(start: number | undefined): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 15_000);
    return () => clearInterval(t);
  }, []);
  return start ? (now - start) / 60_000 : 0;
}

export function App({ controller }: AppProps) {
  const s = controller.store;
  const session = s.session.value;
  const config = s.config.value;
  const minutes = useMinutesSince(s.startedAt.value);

  useEffect(() => {
    const run = (action: ShortcutAction) => {
      if (action === "toggle-mute") controller.toggleMute();
      else if (action === "toggle-pause") controller.togglePause();
      else if (action === "show-qr") s.qrOpen.value = s.phase.value === "live" && !s.qrOpen.value;
      else if (action === "toggle-diagnostics") s.diagnosticsOpen.value = !s.diagnosticsOpen.value;
    };
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement | null;
      const action = shortcutFor({
        key: e.key,
        ctrlKey: e.ctrlKey,
        metaKey: e.metaKey,
        altKey: e.altKey,
        repeat: e.repeat,
        targetTag: target?.tagName ?? "",
        targetEditable: target?.isContentEditable ?? false,
      });
      if (action) {
        e.preventDefault();
        run(action);
      }
    };
    window.addEventListener("keydown", onKey);
    const off = window.babelcast?.onShortcut(run);
    return () => {
      window.removeEventListener("keydown", onKey);
      off?.();
    };
  }, [controller]);

  const live = s.phase.value === "live" && session;
  return (
    <div class={`console phase-${s.phase.value}`} data-testid="console" data-phase={s.phase.value}>
      <header class="topbar">
        <h1>Babelcast</h1>
        {session && (
          <span class="session-id" data-testid="session-id">
            {session.title} · {session.id}
          </span>
        )}
        {live && (
          <div class="controls">
            <span class={`status ${s.paused.value ? "paused" : s.muted.value ? "muted" : "live"}`} data-testid="status">
              {s.paused.value ? "PAUSED" : s.muted.value ? "MUTED" : "LIVE"}
            </span>
            <button
              type="button"
              data-testid="mute"
              aria-pressed={s.muted.value}
              onClick={() => controller.toggleMute()}
            >
              {s.muted.value ? "Unmute (M)" : "Mute (M)"}
            </button>
            <button
              type="button"
              data-testid="pause"
              aria-pressed={s.paused.value}
              onClick={() => controller.togglePause()}
            >
              {s.paused.value ? "Resume (P)" : "Pause (P)"}
            </button>
            <button type="button" data-testid="show-qr" onClick={() => (s.qrOpen.value = true)}>
              QR code
            </button>
            <button
              type="button"
              data-testid="toggle-diagnostics"
              onClick={() => (s.diagnosticsOpen.value = !s.diagnosticsOpen.value)}
            >
              Diagnostics
            </button>
            <button
              type="button"
              class="danger"
              data-testid="end-session"
              onClick={() => {
                if (confirm("End the session for every listener?")) void controller.endSession();
              }}
            >
              End
            </button>
          </div>
        )}
        <button
          type="button"
          class="settings-button"
          data-testid="open-settings"
          onClick={() => (s.settingsOpen.value = !s.settingsOpen.value)}
        >
          Settings
        </button>
      </header>

      <NoticeList notices={s.notices.value} onDismiss={(id) => clearNotice(s, id)} />

      <main class="layout">
        <aside class="left">
          <AudioInputPanel
            devices={s.devices.value}
            settings={s.settings.value.audio}
            channelCount={s.channelCount.value}
            meters={s.meters.value}
            ready={s.audioReady.value}
            onChange={(patch) => void controller.updateAudio(patch)}
          />
          {s.settingsOpen.value && (
            <SettingsPanel
              settings={s.settings.value}
              onSpeech={(patch) => void controller.updateSpeech(patch)}
              onConfigUrl={(url) => void controller.saveSettings({ configUrl: url }).then(() => location.reload())}
              onClose={() => (s.settingsOpen.value = false)}
            />
          )}
        </aside>
        <section class="center">
          {s.phase.value === "loading" && <p class="muted">Connecting to the server…</p>}
          {s.phase.value === "sign-in" && (
            <SignInPanel
              auth={config?.auth}
              region={config?.region ?? ""}
              onOwnerToken={(t) => void controller.signInWithToken(t)}
              onCognito={(signed) => void controller.signInWithCognito(signed)}
            />
          )}
          {s.phase.value === "setup" && (
            <SessionSetup
              resumable={s.resumable.value}
              defaults={s.settings.value.lastSession}
              onCreate={(r) => controller.createSession(r)}
              onReopen={(x) => controller.reopen(x)}
            />
          )}
          {live && (
            <TranscriptPanel
              partial={s.partial.value}
              segments={s.segments.value}
              targetLanguages={session.targetLanguages}
            />
          )}
          {s.phase.value === "ended" && session && (
            <section class="panel" data-testid="ended">
              <h2>Session ended</h2>
              <p>The transcript stays on the server; export it below.</p>
              <ExportPanel
                languages={[session.sourceLanguage, ...session.targetLanguages]}
                onExport={(l, f) => void controller.exportTranscript(l, f)}
              />
              <button type="button" onClick={() => location.reload()}>
                New session
              </button>
            </section>
          )}
        </section>
        {live && (
          <aside class="right">
            <CountsPanel counts={s.counts.value} session={session} />
            <HealthPanel
              socket={s.socketState.value}
              channels={s.channels.value}
              recognizer={s.recognizerState.value}
              viewersConnected={s.viewers.value.filter((v) => v.state === "connected").length}
            />
            <LatencyChart rows={s.latency.value} />
            {config?.mode === "aws" && (
              <CostPanel
                minutes={minutes}
                counts={s.counts.value}
                session={session}
                sourceCharacters={s.sourceCharacters.value}
                segments={s.segments.value.length}
              />
            )}
            <ExportPanel
              languages={[session.sourceLanguage, ...session.targetLanguages]}
              onExport={(l, f) => void controller.exportTranscript(l, f)}
            />
          </aside>
        )}
      </main>
      {live && s.diagnosticsOpen.value && <DiagnosticsPanel viewers={s.viewers.value} />}
      {live && s.qrOpen.value && (
        <QrOverlay joinUrl={session.listenerPageUrl} title={session.title} onClose={() => (s.qrOpen.value = false)} />
      )}
    </div>
  );
}
