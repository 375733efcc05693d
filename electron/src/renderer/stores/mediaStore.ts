import type { SessionOwnerView, SignalingGrant } from "@babelcast/protocol";
import { batch, type ReadonlySignal, signal } from "@preact/signals";
import type { SignalingState } from "../media/masterChannel.js";
import { MediaHub, type ViewerInfo } from "../media/mediaHub.js";
import type { ConsoleApi } from "../session/consoleApi.js";
import type { NoticesStore } from "./noticesStore.js";

const STATS_INTERVAL_MS = 2000;

export interface ChannelView {
  readonly channelArn: string;
  readonly state: SignalingState;
}

/** The media hub's side of the session: the KVS master channels and the viewers on them. */
export function createMediaStore(deps: {
  notices: NoticesStore;
  /** The track a viewer of `language` gets. */
  trackFor: (language: string | undefined) => MediaStreamTrack;
  /** An interpreter's microphone started or stopped arriving for a language. */
  onInterpreter: (language: string, track: MediaStreamTrack, live: boolean) => void;
}) {
  const { notices } = deps;
  const channels = signal<readonly ChannelView[]>([]);
  const viewers = signal<readonly ViewerInfo[]>([]);
  let hub: MediaHub | undefined;
  let statsTimer: ReturnType<typeof setInterval> | undefined;

  const sync = (): void => {
    const current = hub;
    if (!current) return;
    batch(() => {
      viewers.value = current.viewers();
      channels.value = current.channelStates();
    });
  };

  const connectChannels = async (api: ConsoleApi, session: SessionOwnerView): Promise<void> => {
    try {
      for (const grant of await api.channels(session.id)) hub?.addChannel(grant);
      notices.clear("channels");
    } catch (err) {
      notices.push({
        id: "channels",
        level: "error",
        text: `Listeners cannot hear you yet: ${(err as Error).message}`,
        action: { label: "Retry", run: () => void connectChannels(api, session) },
      });
    }
  };

  return {
    channels: channels as ReadonlySignal<readonly ChannelView[]>,
    viewers: viewers as ReadonlySignal<readonly ViewerInfo[]>,
    /** Connects as master on every channel of the session's pool. */
    async start(api: ConsoleApi, session: SessionOwnerView): Promise<void> {
      hub = new MediaHub({
        trackFor: deps.trackFor,
        onInterpreter: deps.onInterpreter,
        refreshGrant: async (arn) => (await api.channels(session.id)).find((g) => g.channelArn === arn),
        onChange: sync,
      });
      statsTimer = setInterval(() => void hub?.sampleStats(), STATS_INTERVAL_MS);
      await connectChannels(api, session);
    },
    /** The server grew the pool. */
    addChannel(grant: SignalingGrant): void {
      hub?.addChannel(grant);
    },
    /** Each viewer's language, from the listener counts: the hub gives each the right track. */
    setViewerLanguages(byViewer: Record<string, string>): void {
      hub?.setViewerLanguages(byViewer);
    },
    /** A language got its track: viewers waiting for it get it. */
    refreshTracks(): void {
      hub?.refreshTracks();
    },
    close(): void {
      clearInterval(statsTimer);
      hub?.close();
      hub = undefined;
      batch(() => {
        viewers.value = [];
        channels.value = [];
      });
    },
  };
}

export type MediaStore = ReturnType<typeof createMediaStore>;
