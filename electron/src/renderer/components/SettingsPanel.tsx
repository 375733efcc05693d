import { useEffect, useState } from "preact/hooks";
import type { AppInfo, UpdateStatus } from "../../shared/ipcChannels.js";
import type { ConsoleSettings, SpeechSettings } from "../../shared/settings.js";

export interface SettingsPanelProps {
  readonly settings: ConsoleSettings;
  readonly onSpeech: (patch: Partial<SpeechSettings>) => void;
  readonly onConfigUrl: (url: string) => void;
  readonly onClose: () => void;
}

/** Speech mix, the cloud deployment address (app only), version and updates (app only). */
export function SettingsPanel({ settings, onSpeech, onConfigUrl, onClose }: SettingsPanelProps) {
  const bridge = window.babelcast;
  const [info, setInfo] = useState<AppInfo>();
  const [update, setUpdate] = useState<UpdateStatus>();
  const [configUrl, setConfigUrl] = useState(settings.configUrl);
  useEffect(() => {
    if (!bridge) return;
    void bridge.appInfo().then(setInfo);
    return bridge.onUpdateStatus(setUpdate);
  }, [bridge]);
  const s = settings.speech;
  return (
    <section class="panel settings" data-testid="settings" aria-label="Settings">
      <h2>Settings</h2>
      <fieldset>
        <legend>Translated speech</legend>
        <label class="switch">
          <input
            type="checkbox"
            data-testid="floor-mix"
            checked={s.floorMix}
            onChange={(e) => onSpeech({ floorMix: (e.target as HTMLInputElement).checked })}
          />
          Mix the room sound under the voice
        </label>
        <label>
          Room sound under the voice: {s.duckDb} dB
          <input
            type="range"
            min={-60}
            max={0}
            value={s.duckDb}
            onInput={(e) => onSpeech({ duckDb: Number((e.target as HTMLInputElement).value) })}
          />
        </label>
        <label>
          Room sound between sentences: {s.floorDb} dB
          <input
            type="range"
            min={-60}
            max={0}
            value={s.floorDb}
            onInput={(e) => onSpeech({ floorDb: Number((e.target as HTMLInputElement).value) })}
          />
        </label>
      </fieldset>
      {bridge && (
        <fieldset>
          <legend>Cloud deployment</legend>
          <label>
            Config address (https://…/config.json)
            <input type="url" value={configUrl} onInput={(e) => setConfigUrl((e.target as HTMLInputElement).value)} />
          </label>
          <button type="button" onClick={() => onConfigUrl(configUrl)}>
            Save and reload
          </button>
        </fieldset>
      )}
      {info && (
        <p class="muted">
          Babelcast {info.version} (Electron {info.electron}, {info.platform}) — updates: {update?.state ?? "idle"}{" "}
          <button type="button" onClick={() => void bridge?.checkForUpdates().then(setUpdate)}>
            Check now
          </button>
        </p>
      )}
      <p class="muted">Shortcuts: M mute, P pause, Q QR code, D diagnostics.</p>
      <button type="button" onClick={onClose}>
        Close
      </button>
    </section>
  );
}
