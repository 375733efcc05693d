import { batch, type ReadonlySignal, signal } from "@preact/signals";
import type { AudioSettings } from "../../shared/settings.js";
import { CaptureGraph } from "../audio/captureGraph.js";
import { describeCaptureError, type InputDevice, listInputDevices } from "../audio/devices.js";
import { type MeterState, measureBlock, nextMeterState, SILENT_METER } from "../audio/levelMeter.js";
import type { NoticesStore } from "./noticesStore.js";
import type { SettingsStore } from "./settingsStore.js";

const METER_INTERVAL_MS = 50;

/**
 * The audio input: the capture graph on the chosen device, the device list (following
 * plugs and unplugs), and the per-channel level meters.
 */
export function createAudioInputStore(deps: {
  notices: NoticesStore;
  settings: SettingsStore;
  /** Whether the console is on air (not paused, not muted) when a device (re)opens. */
  broadcasting: () => boolean;
}) {
  const { notices, settings } = deps;
  const devices = signal<readonly InputDevice[]>([]);
  /** Channel count of the open device. */
  const channelCount = signal(0);
  const ready = signal(false);
  const meters = signal<readonly MeterState[]>([]);
  const capture = new CaptureGraph();
  let meterTimer: ReturnType<typeof setInterval> | undefined;
  let watchingDevices = false;

  const afterDeviceOpened = (): void => {
    batch(() => {
      ready.value = true;
      channelCount.value = capture.channelCount;
    });
    capture.setBroadcasting(deps.broadcasting());
    const track = capture.deviceTrack;
    track?.addEventListener("ended", () => {
      if (capture.deviceTrack === track) void fallBackToDefault(track.label);
    });
  };

  const refreshDevices = async (): Promise<void> => {
    try {
      devices.value = await listInputDevices();
    } catch {
      // The list stays as it was; the open device keeps working.
    }
  };

  /** The input vanished mid-talk: carry on with the system default and say so. */
  const fallBackToDefault = async (lost: string): Promise<void> => {
    const lostName = devices.value.find((d) => d.deviceId === lost)?.label || lost || "The audio input";
    try {
      await capture.open({ ...settings.settings.value.audio, deviceId: "" });
      afterDeviceOpened();
      await refreshDevices();
      notices.push({
        id: "device-lost",
        level: "warning",
        text: `${lostName} was disconnected. Now using the system default input: check the cable, then pick the interface again under Audio input.`,
      });
    } catch (err) {
      ready.value = false;
      notices.push({
        id: "device-lost",
        level: "error",
        text: `${lostName} was disconnected and no other input works: ${describeCaptureError(err)}`,
        action: { label: "Retry", run: () => void open() },
      });
    }
  };

  const onDeviceChange = async (): Promise<void> => {
    await refreshDevices();
    const wanted = settings.settings.value.audio.deviceId;
    if (wanted && !devices.value.some((d) => d.deviceId === wanted)) await fallBackToDefault(wanted);
  };

  const startMeter = (): void => {
    clearInterval(meterTimer);
    meterTimer = setInterval(() => {
      if (!ready.value) return;
      const now = performance.now();
      const prev = meters.value;
      meters.value = capture
        .readChannels()
        .map((block, i) => nextMeterState(prev[i] ?? SILENT_METER, measureBlock(block), now));
    }, METER_INTERVAL_MS);
  };

  const open = async (): Promise<void> => {
    try {
      await capture.open(settings.settings.value.audio);
      afterDeviceOpened();
      notices.clear("audio");
    } catch (err) {
      ready.value = false;
      notices.push({
        id: "audio",
        level: "error",
        text: describeCaptureError(err),
        action: { label: "Retry", run: () => void open() },
      });
      return;
    }
    await refreshDevices();
    if (!watchingDevices) {
      watchingDevices = true;
      navigator.mediaDevices.addEventListener("devicechange", () => void onDeviceChange());
    }
    startMeter();
  };

  return {
    devices: devices as ReadonlySignal<readonly InputDevice[]>,
    channelCount: channelCount as ReadonlySignal<number>,
    ready: ready as ReadonlySignal<boolean>,
    meters: meters as ReadonlySignal<readonly MeterState[]>,
    /** The graph itself: its taps feed recognition, the speech tracks and the original track. */
    capture,
    open,
    /** Saves the input settings and applies them: reopens the device only when a capture constraint changed. */
    async update(patch: Partial<AudioSettings>): Promise<void> {
      const before = settings.settings.value.audio;
      await settings.save({ audio: patch });
      const after = settings.settings.value.audio;
      const reopen =
        after.deviceId !== before.deviceId ||
        after.echoCancellation !== before.echoCancellation ||
        after.noiseSuppression !== before.noiseSuppression ||
        after.autoGainControl !== before.autoGainControl;
      if (reopen) {
        try {
          await capture.open(after);
          afterDeviceOpened();
          notices.clear("audio");
          notices.clear("device-lost");
        } catch (err) {
          notices.push({ id: "audio", level: "error", text: describeCaptureError(err) });
        }
        return;
      }
      if (after.channel !== before.channel) capture.selectChannels(after.channel);
      if (after.gainDb !== before.gainDb) capture.setGainDb(after.gainDb);
      if (after.monitor !== before.monitor) capture.setMonitor(after.monitor);
    },
    setBroadcasting(on: boolean): void {
      capture.setBroadcasting(on);
    },
  };
}

export type AudioInputStore = ReturnType<typeof createAudioInputStore>;
