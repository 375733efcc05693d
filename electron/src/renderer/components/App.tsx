import { useEffect, useState } from "preact/hooks";
import type { ShortcutAction } from "../../shared/ipcChannels.js";
import { shortcutFor } from "../console/shortcuts.js";
import type { ConsoleStores } from "../console/wireConsole.js";
import { AudioInputPanel } from "./AudioInputPanel.js";
import { DiagnosticsPanel } from "./DiagnosticsPanel.js";
import { HandOffPanel } from "./HandOffPanel.js";
import { InterpretersPanel, InviteDialog } from "./InterpretersPanel.js";
import { LatencyChart } from "./LatencyChart.js";
import { CostPanel, CountsPanel, ExportPanel, HealthPanel, TranscriptPanel } from "./LiveView.js";
import { NoticeList } from "./NoticeList.js";
import { QrOverlay } from "./QrOverlay.js";
import { ReportPanel } from "./ReportPanel.js";
import { ScreenPanel } from "./ScreenPanel.js";
import { SessionSetup } from "./SessionSetup.js";
import { SettingsPanel } from "./SettingsPanel.js";
import { SignInPanel } from "./SignInPanel.js";
import { SourceLanguagePanel } from "./SourceLanguagePanel.js";
import { WaitingHandOffs } from "./WaitingHandOffs.js";

export interface AppProps {
  readonly stores: ConsoleStores;
}

/** The caption screen: on the projector in Electron (main picks the display), a new window in a browser. */
function openCaptionScreen(url: string): void {
  if (window.babelcast) void window.babelcast.openCaptionScreen(url);
  else window.open(url, "_blank", "noopener");
}

function useMinutesSince(start: number | undefined): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 15_000);
    return () => clearInterval(t);
  }, []);
  return start ? (now - start) / 60_000 : 0;
}

export function App({ stores }: AppProps) {
  const {
    notices,
    panels,
    settings,
    signIn,
    audioInput,
    session: talk,
    recognition,
    latency,
    speech,
    media,
    report,
    recording,
    interpreters,
  } = stores;
  const reportPanel = (
    <ReportPanel
      report={report.report.value}
      loading={report.loading.value}
      onWatch={report.watch}
      onRefresh={() => void report.refresh()}
      onDownloadJson={() => void report.downloadJson()}
      onDownloadHtml={() => void report.downloadHtml()}
      onDownloadTranscripts={() => void report.downloadTranscripts()}
    />
  );
  const phase = talk.phase.value;
  const session = talk.session.value;
  const config = signIn.config.value;
  const minutes = useMinutesSince(talk.startedAt.value);

  useEffect(() => {
    const run = (action: ShortcutAction) => {
      if (action === "toggle-mute") talk.toggleMute();
      else if (action === "toggle-pause") talk.togglePause();
      else if (action === "show-qr") panels.qrOpen.value = talk.phase.value === "live" && !panels.qrOpen.value;
      else if (action === "toggle-diagnostics") panels.diagnosticsOpen.value = !panels.diagnosticsOpen.value;
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
  }, [stores]);

  const live = phase === "live" && session;
  return (
    <div class={`console phase-${phase}`} data-testid="console" data-phase={phase}>
      <header class="topbar">
        <h1>Babelcast</h1>
        {session && (
          <span class="session-id" data-testid="session-id">
            {session.title} · {session.id}
          </span>
        )}
        {live && (
          <div class="controls">
            <span
              class={`status ${talk.paused.value ? "paused" : talk.muted.value ? "muted" : "live"}`}
              data-testid="status"
            >
              {talk.paused.value ? "PAUSED" : talk.muted.value ? "MUTED" : "LIVE"}
            </span>
            <button type="button" data-testid="mute" aria-pressed={talk.muted.value} onClick={() => talk.toggleMute()}>
              {talk.muted.value ? "Unmute (M)" : "Mute (M)"}
            </button>
            <button
              type="button"
              data-testid="pause"
              aria-pressed={talk.paused.value}
              onClick={() => talk.togglePause()}
            >
              {talk.paused.value ? "Resume (P)" : "Pause (P)"}
            </button>
            <button
              type="button"
              data-testid="record"
              aria-pressed={recording.recording.value}
              title="Records every language track the console sends, one WebM (Opus) file each"
              onClick={() => void recording.toggle()}
            >
              {recording.recording.value ? "● Stop recording" : "Record"}
            </button>
            <button type="button" data-testid="show-qr" onClick={() => (panels.qrOpen.value = true)}>
              QR code
            </button>
            <button
              type="button"
              data-testid="toggle-diagnostics"
              onClick={() => (panels.diagnosticsOpen.value = !panels.diagnosticsOpen.value)}
            >
              Diagnostics
            </button>
            <button type="button" data-testid="hand-off" onClick={() => void talk.offerHandOff()}>
              Hand off
            </button>
            <button
              type="button"
              class="danger"
              data-testid="end-session"
              onClick={() => {
                if (confirm("End the session for every listener?")) void talk.endSession();
              }}
            >
              End
            </button>
          </div>
        )}
        {signIn.cognitoSignedIn && (phase === "setup" || phase === "ended") && (
          <button
            type="button"
            data-testid="sign-out"
            onClick={() => void signIn.signOut().then(() => location.reload())}
          >
            Sign out
          </button>
        )}
        <button
          type="button"
          class="settings-button"
          data-testid="open-settings"
          onClick={() => (panels.settingsOpen.value = !panels.settingsOpen.value)}
        >
          Settings
        </button>
      </header>

      <NoticeList notices={notices.list.value} onDismiss={(id) => notices.clear(id)} />

      <main class="layout">
        <aside class="left">
          <AudioInputPanel
            devices={audioInput.devices.value}
            settings={settings.settings.value.audio}
            channelCount={audioInput.channelCount.value}
            meters={audioInput.meters.value}
            ready={audioInput.ready.value}
            onChange={(patch) => void audioInput.update(patch)}
          />
          {panels.settingsOpen.value && (
            <SettingsPanel
              settings={settings.settings.value}
              onSpeech={(patch) => void speech.updateSettings(patch)}
              onConfigUrl={(url) => void settings.save({ configUrl: url }).then(() => location.reload())}
              onClose={() => (panels.settingsOpen.value = false)}
            />
          )}
        </aside>
        <section class="center">
          {phase === "loading" && <p class="muted">Connecting to the server…</p>}
          {phase === "sign-in" && (
            <SignInPanel
              auth={config?.auth}
              region={config?.region ?? ""}
              endpoints={config?.endpoints}
              onOwnerToken={(t) => void signIn.signInWithToken(t)}
              onCognito={(signed) => void signIn.signInWithCognito(signed)}
            />
          )}
          {phase === "setup" && (
            <WaitingHandOffs
              load={() => {
                const api = signIn.api;
                return api ? api.waitingHandOffs() : Promise.resolve([]);
              }}
              onTakeOver={(h) => talk.claimWaitingHandOff(h)}
            />
          )}
          {phase === "setup" && (
            <SessionSetup
              resumable={talk.resumable.value}
              defaults={settings.settings.value.lastSession}
              loadLanguages={(source) => {
                const api = signIn.api;
                return api ? api.languages(source) : Promise.reject(new Error("not signed in"));
              }}
              onCreate={(r) => talk.create(r)}
              onReopen={(x) => talk.reopen(x)}
              handOffLink={(() => {
                const pending = talk.pendingHandOff.value;
                return pending ? `#handoff=${pending.sessionId}.${pending.code}` : "";
              })()}
              onTakeOver={(link) => talk.claimHandOff(link)}
            />
          )}
          {live && talk.offeredHandOff.value && (
            <HandOffPanel
              offer={talk.offeredHandOff.value}
              onNamePresenter={(email) => void talk.offerHandOff(email)}
              onClose={() => talk.dismissHandOff()}
            />
          )}
          {live && (
            <TranscriptPanel
              partial={recognition.partial.value}
              segments={recognition.segments.value}
              targetLanguages={session.targetLanguages}
            />
          )}
          {phase === "handed-off" && session && (
            <section class="panel" data-testid="handed-off">
              <h2>Handed off</h2>
              <p>
                Another console took over <strong>{session.title}</strong> ({session.id}): it broadcasts now, with the
                same link and listeners. This console stopped its recognition, voices and audio to listeners.
              </p>
            </section>
          )}
          {phase === "ended" && session && (
            <section class="panel" data-testid="ended">
              <h2>Session ended</h2>
              <p>The transcript stays on the server; export it below.</p>
              <ExportPanel
                languages={[session.sourceLanguage, ...session.targetLanguages]}
                onExport={(l, f) => void talk.exportTranscript(l, f)}
              />
              <button type="button" onClick={() => location.reload()}>
                New session
              </button>
            </section>
          )}
          {(live || (phase === "ended" && session)) && reportPanel}
        </section>
        {live && (
          <aside class="right">
            <CountsPanel counts={talk.counts.value} session={session} />
            <SourceLanguagePanel
              source={session.sourceLanguage}
              identify={recognition.identify.value}
              loadLanguages={(source) => {
                const api = signIn.api;
                return api ? api.languages(source) : Promise.reject(new Error("not signed in"));
              }}
              onSwitch={(language) => talk.changeSource(language)}
              onIdentify={(on) => void recognition.setIdentify(on)}
            />
            <InterpretersPanel
              targetLanguages={session.targetLanguages}
              interpreted={speech.interpreted.value}
              onInvite={(l) => void interpreters.inviteFor(l)}
              loadLanguages={() => {
                const api = signIn.api;
                return api ? api.languages(session.sourceLanguage) : Promise.reject(new Error("not signed in"));
              }}
            />
            <HealthPanel
              socket={talk.socketState.value}
              channels={media.channels.value}
              recognizer={recognition.state.value}
              viewersConnected={media.viewers.value.filter((v) => v.state === "connected").length}
            />
            <LatencyChart rows={latency.rows.value} />
            {config?.mode === "aws" && (
              <CostPanel
                minutes={minutes}
                counts={talk.counts.value}
                session={session}
                sourceCharacters={recognition.sourceCharacters.value}
                segments={recognition.segments.value.length}
              />
            )}
            <ExportPanel
              languages={[session.sourceLanguage, ...session.targetLanguages]}
              onExport={(l, f) => void talk.exportTranscript(l, f)}
            />
            {config && (
              <ScreenPanel
                session={session}
                listenerUrl={config.listenerUrl}
                apiUrl={config.apiUrl}
                onOpenScreen={openCaptionScreen}
                onSaveOrigins={(origins) => talk.setEmbedOrigins(origins)}
              />
            )}
          </aside>
        )}
      </main>
      {live && panels.diagnosticsOpen.value && <DiagnosticsPanel viewers={media.viewers.value} />}
      {live && interpreters.invite.value && (
        <InviteDialog invite={interpreters.invite.value} onClose={() => interpreters.closeInvite()} />
      )}
      {live && panels.qrOpen.value && (
        <QrOverlay
          joinUrl={session.listenerPageUrl}
          title={session.title}
          onClose={() => (panels.qrOpen.value = false)}
        />
      )}
    </div>
  );
}
