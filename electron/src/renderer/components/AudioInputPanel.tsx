import { useState } from "preact/hooks";
import type { AudioSettings } from "../../shared/settings.js";
import { channelOptions, deviceLabel } from "../audio/channelLayout.js";
import type { InputDevice } from "../audio/devices.js";
import { type MeterState, SILENT_METER } from "../audio/levelMeter.js";
import { LevelMeter } from "./LevelMeter.js";

export interface AudioInputPanelProps {
  readonly devices: readonly InputDevice[];
  readonly settings: AudioSettings;
  readonly channelCount: number;
  readonly meters: readonly MeterState[];
  readonly ready: boolean;
  readonly onChange: (patch: Partial<AudioSettings>) => void;
}

/** Device, channel (or stereo pair), gain, meters, monitoring, processing switches. */
export function AudioInputPanel({ devices, settings, channelCount, meters, ready, onChange }: AudioInputPanelProps) {
  const [clipResetAt, setClipResetAt] = useState(0);
  const now = performance.now();
  const channels = channelOptions(channelCount || 1);
  const labels = settings.channel.includes("+")
    ? ["L", "R"]
    : [settings.channel === "1" && channelCount <= 1 ? "In" : `Ch ${settings.channel}`];
  return (
    <section class="panel audio-input" data-testid="audio-input" aria-label="Audio input">
      <h2>Audio input</h2>
      <label>
        Input device
        <select
          data-testid="device-select"
          value={settings.deviceId}
          onChange={(e) => onChange({ deviceId: (e.target as HTMLSelectElement).value, channel: "1" })}
        >
          <option value="">System default</option>
          {devices.map((d, i) => (
            <option key={d.deviceId} value={d.deviceId} data-channels={d.channelCount ?? ""}>
              {deviceLabel(d.label, d.channelCount, i)}
            </option>
          ))}
        </select>
      </label>
      <label>
        Channel
        <select
          data-testid="channel-select"
          value={settings.channel}
          onChange={(e) => onChange({ channel: (e.target as HTMLSelectElement).value })}
        >
          {channels.map((c) => (
            <option key={c.value} value={c.value}>
              {c.label}
            </option>
          ))}
        </select>
      </label>
      <label>
        Gain{" "}
        <output data-testid="gain-value">
          {settings.gainDb > 0 ? "+" : ""}
          {settings.gainDb} dB
        </output>
        <input
          type="range"
          data-testid="gain"
          min={-24}
          max={24}
          step={1}
          value={settings.gainDb}
          onInput={(e) => onChange({ gainDb: Number((e.target as HTMLInputElement).value) })}
        />
      </label>
      <div class="meters">
        {(ready ? meters : [SILENT_METER]).map((m, i) => (
          <LevelMeter
            key={i}
            label={labels[i] ?? `Ch ${i + 1}`}
            state={m.clipUntil > 0 && clipResetAt > m.clipUntil - 2000 ? { ...m, clipUntil: 0 } : m}
            now={now}
            onResetClip={() => setClipResetAt(performance.now())}
          />
        ))}
      </div>
      <fieldset class="switches">
        <legend>Processing (off for a mixing desk or pro interface)</legend>
        <Switch
          label="Monitor on this computer"
          testId="monitor"
          checked={settings.monitor}
          onChange={(v) => onChange({ monitor: v })}
        />
        <Switch
          label="Echo cancellation"
          testId="echo-cancellation"
          checked={settings.echoCancellation}
          onChange={(v) => onChange({ echoCancellation: v })}
        />
        <Switch
          label="Noise suppression"
          testId="noise-suppression"
          checked={settings.noiseSuppression}
          onChange={(v) => onChange({ noiseSuppression: v })}
        />
        <Switch
          label="Automatic gain"
          testId="auto-gain"
          checked={settings.autoGainControl}
          onChange={(v) => onChange({ autoGainControl: v })}
        />
      </fieldset>
    </section>
  );
}

interface SwitchProps {
  readonly label: string;
  readonly testId: string;
  readonly checked: boolean;
  readonly onChange: (value: boolean) => void;
}

function Switch({ label, testId, checked, onChange }: SwitchProps) {
  return (
    <label class="switch">
      <input
        type="checkbox"
        data-testid={testId}
        checked={checked}
        onChange={(e) => onChange((e.target as HTMLInputElement).checked)}
      />
      {label}
    </label>
  );
}
