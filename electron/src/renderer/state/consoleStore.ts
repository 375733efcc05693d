import type { ConfigDocument, SessionOwnerView } from "@babelcast/protocol";
import { signal } from "@preact/signals";
import { type ConsoleSettings, DEFAULT_SETTINGS } from "../../shared/settings.js";
import type { InputDevice } from "../audio/devices.js";
import type { MeterState } from "../audio/levelMeter.js";
import type { LatencyRow } from "../live/latency.js";
import type { SegmentView } from "../live/transcriptLog.js";
import type { SignalingState } from "../media/masterChannel.js";
import type { ViewerInfo } from "../media/mediaHub.js";
import type { SocketState } from "../session/controlSocket.js";

export type Phase = "loading" | "sign-in" | "setup" | "live" | "ended";

export interface Notice {
  readonly id: string;
  readonly level: "error" | "warning" | "info";
  readonly text: string;
  /** Label and handler of the button that fixes it, when there is one. */
  readonly action?: { readonly label: string; readonly run: () => void };
}

export interface Counts {
  readonly total: number;
  readonly byLanguage: Readonly<Record<string, number>>;
  readonly byChannel: Readonly<Record<string, number>>;
  readonly captionsOnly: number;
}

/** Everything the console shows, as signals; the controller writes, components read. */
export function createConsoleStore() {
  return {
    phase: signal<Phase>("loading"),
    config: signal<ConfigDocument | undefined>(undefined),
    settings: signal<ConsoleSettings>(DEFAULT_SETTINGS),
    notices: signal<Notice[]>([]),

    devices: signal<InputDevice[]>([]),
    /** Channel count of the open device. */
    channelCount: signal(0),
    audioReady: signal(false),
    meters: signal<MeterState[]>([]),

    resumable: signal<SessionOwnerView | undefined>(undefined),
    session: signal<SessionOwnerView | undefined>(undefined),
    paused: signal(false),
    muted: signal(false),
    startedAt: signal<number | undefined>(undefined),

    partial: signal(""),
    segments: signal<SegmentView[]>([]),
    sourceCharacters: signal(0),
    counts: signal<Counts>({ total: 0, byLanguage: {}, byChannel: {}, captionsOnly: 0 }),
    latency: signal<LatencyRow[]>([]),

    socketState: signal<SocketState>("closed"),
    channels: signal<Array<{ channelArn: string; state: SignalingState }>>([]),
    viewers: signal<ViewerInfo[]>([]),
    recognizerState: signal<string>("idle"),

    qrOpen: signal(false),
    diagnosticsOpen: signal(false),
    settingsOpen: signal(false),
  };
}

export type ConsoleStore = ReturnType<typeof createConsoleStore>;

export function pushNotice(store: ConsoleStore, notice: Notice): void {
  store.notices.value = [...store.notices.value.filter((n) => n.id !== notice.id), notice];
}

export function clearNotice(store: ConsoleStore, id: string): void {
  if (store.notices.value.some((n) => n.id === id))
    store.notices.value = store.notices.value.filter((n) => n.id !== id);
}
