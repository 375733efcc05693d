/** Input devices with their channel counts (probed once per device: the browser lists no counts). */

export interface InputDevice {
  readonly deviceId: string;
  readonly label: string;
  readonly groupId: string;
  /** Channels the device offers; undefined when it could not be opened. */
  readonly channelCount?: number;
}

const channelCache = new Map<string, number>();

/** Opens the device briefly and reads how many channels it can deliver. */
async function probeChannelCount(deviceId: string): Promise<number | undefined> {
  const cached = channelCache.get(deviceId);
  if (cached !== undefined) return cached;
  let stream: MediaStream | undefined;
  try {
    stream = await navigator.mediaDevices.getUserMedia({
      audio: {
        deviceId: { exact: deviceId },
        channelCount: { ideal: 32 },
        echoCancellation: false,
        noiseSuppression: false,
        autoGainControl: false,
      },
    });
    const track = stream.getAudioTracks()[0];
    const caps = track?.getCapabilities?.().channelCount?.max;
    const settings = track?.getSettings().channelCount;
    const count = Math.max(caps ?? 0, settings ?? 0) || undefined;
    if (count !== undefined) channelCache.set(deviceId, count);
    return count;
  } catch {
    return undefined;
  } finally {
    for (const t of stream?.getTracks() ?? []) t.stop();
  }
}

/** Every audio input, with channel counts. Asks for microphone permission first so labels are filled in. */
export async function listInputDevices(): Promise<InputDevice[]> {
  const devices = (await navigator.mediaDevices.enumerateDevices()).filter((d) => d.kind === "audioinput");
  // "default" and "communications" are aliases of a real device on Chromium: list the real ones.
  const real = devices.filter((d) => d.deviceId !== "default" && d.deviceId !== "communications");
  const list = real.length > 0 ? real : devices;
  const out: InputDevice[] = [];
  for (const d of list) {
    out.push({
      deviceId: d.deviceId,
      label: d.label,
      groupId: d.groupId,
      channelCount: await probeChannelCount(d.deviceId),
    });
  }
  return out;
}

/** Explains a getUserMedia failure in words a presenter can act on. */
export function describeCaptureError(err: unknown): string {
  const name = (err as { name?: string })?.name ?? "";
  switch (name) {
    case "NotAllowedError":
    case "SecurityError":
      return "Babelcast may not use the microphone. Allow microphone access for this app (system settings → privacy → microphone, or the browser's site settings), then press Retry.";
    case "NotFoundError":
    case "OverconstrainedError":
      return "The selected audio input is not connected. Plug it in or pick another input, then press Retry.";
    case "NotReadableError":
    case "AbortError":
      return "The audio input is busy or failed to start. Close other programs using it (or replug it), then press Retry.";
    default:
      return `The audio input could not be opened (${String((err as Error)?.message ?? err)}). Pick another input or press Retry.`;
  }
}
