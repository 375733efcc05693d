import type { SessionOwnerView } from "@babelcast/protocol";
import { type ReadonlySignal, signal } from "@preact/signals";
import type { ConsoleBridge } from "../../shared/consoleBridge.js";
import { recordingFileName } from "../../shared/recordingFiles.js";
import { type RecordingSink, TrackRecorder } from "../media/trackRecorder.js";
import { saveDownload } from "../platform/saveDownload.js";
import type { NoticesStore } from "./noticesStore.js";

/** Electron: every chunk appended to its file in the recordings folder, by the main process. */
function diskSink(bridge: ConsoleBridge): RecordingSink {
  const paths = new Map<string, string>();
  return {
    async append(name, chunk) {
      paths.set(name, await bridge.appendRecording(name, chunk));
    },
    async finish(name) {
      return paths.get(name) ?? name;
    },
  };
}

/** Browser console: the chunks stay in memory and the file is downloaded when recording stops. */
function downloadSink(): RecordingSink {
  const chunks = new Map<string, Uint8Array<ArrayBuffer>[]>();
  return {
    async append(name, chunk) {
      chunks.set(name, [...(chunks.get(name) ?? []), chunk as Uint8Array<ArrayBuffer>]);
    },
    async finish(name) {
      saveDownload(new Blob(chunks.get(name) ?? [], { type: "audio/webm" }), name);
      chunks.delete(name);
      return `${name} (downloads)`;
    },
  };
}

/**
 * Recording of every language track the console sends, while the presenter has it on: one
 * WebM (Opus) file per language, tracks that appear later (a new language's first listener)
 * join the recording at once.
 */
export function createRecordingStore(deps: {
  notices: NoticesStore;
  session: ReadonlySignal<SessionOwnerView | undefined>;
  tracks: () => [language: string, track: MediaStreamTrack][];
  bridge?: ConsoleBridge;
}) {
  const { notices, session } = deps;
  const recording = signal(false);
  const recorders = new Map<string, TrackRecorder>();
  let sink: RecordingSink | undefined;

  const recordNewTracks = (): void => {
    const live = session.value;
    if (!recording.value || !live || !sink) return;
    for (const [language, track] of deps.tracks()) {
      if (recorders.has(language)) continue;
      try {
        const recorder = new TrackRecorder(track, recordingFileName(live.id, language, Date.now()), sink);
        recorder.start();
        recorders.set(language, recorder);
      } catch (err) {
        notices.push({
          id: "recording",
          level: "error",
          text: `${language} is not being recorded: ${(err as Error).message}`,
        });
      }
    }
  };

  const stop = async (): Promise<void> => {
    if (!recording.value) return;
    recording.value = false;
    const all = [...recorders.values()];
    recorders.clear();
    const saved = await Promise.allSettled(all.map((r) => r.stop()));
    const paths = saved.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
    const failed = saved.flatMap((s) => (s.status === "rejected" ? [String((s.reason as Error).message)] : []));
    if (paths.length > 0)
      notices.push({ id: "recording", level: "info", text: `Recordings saved: ${paths.join(", ")}` });
    if (failed.length > 0)
      notices.push({
        id: "recording-failed",
        level: "error",
        text: `Some recordings are incomplete: ${failed.join("; ")}. Check free disk space.`,
      });
  };

  return {
    recording,
    /** Turns recording on (every track sent now and later) or off (the files are finished). */
    async toggle(): Promise<void> {
      if (recording.value) return stop();
      sink = deps.bridge ? diskSink(deps.bridge) : downloadSink();
      recording.value = true;
      recordNewTracks();
    },
    /** A language got its track: recorded too while recording is on. */
    recordNewTracks,
    stop,
  };
}

export type RecordingStore = ReturnType<typeof createRecordingStore>;
