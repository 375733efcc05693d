import type { SessionOwnerView } from "@babelcast/protocol";
import { type ReadonlySignal, signal } from "@preact/signals";
import type { ConsoleBridge } from "../../shared/consoleBridge.js";
import { recordingFileName } from "../../shared/recordingFiles.js";
import { type RecordingSink, TrackRecorder } from "../media/trackRecorder.js";
import { saveDownload } from "../platform/saveDownload.js";
import type { RecordingUploads } from "../session/recordingUploads.js";
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

/** Keeps each recording's chunks in memory too, for its upload when recording stops. */
function chunkKeeper() {
  const chunks = new Map<string, Uint8Array<ArrayBuffer>[]>();
  return {
    keep(name: string, chunk: Uint8Array): void {
      chunks.set(name, [...(chunks.get(name) ?? []), chunk as Uint8Array<ArrayBuffer>]);
    },
    take(name: string): Blob {
      const blob = new Blob(chunks.get(name) ?? [], { type: "audio/webm" });
      chunks.delete(name);
      return blob;
    },
  };
}
type ChunkKeeper = ReturnType<typeof chunkKeeper>;

/**
 * Where chunks go when the deployment takes uploads: Electron still writes its file as it
 * records (the upload is a copy); the browser keeps them in memory and downloads the file only
 * if its upload fails, so nothing is lost either way.
 */
function uploadingSink(keeper: ChunkKeeper, disk: RecordingSink | undefined): RecordingSink {
  return {
    async append(name, chunk) {
      keeper.keep(name, chunk);
      await disk?.append(name, chunk);
    },
    async finish(name) {
      return disk ? disk.finish(name) : name;
    },
  };
}

/** A recorder with what its upload names: the language and when it started. */
interface LanguageRecorder {
  readonly recorder: TrackRecorder;
  readonly language: string;
  readonly startedAt: number;
}

/** "es 40%, fr done". Pure. */
export function uploadProgressText(progress: ReadonlyMap<string, number>): string {
  return [...progress]
    .map(([language, f]) => (f >= 1 ? `${language} done` : `${language} ${Math.floor(f * 100)}%`))
    .join(", ");
}

/**
 * Recording of every language track the console sends, while the presenter has it on: one
 * WebM (Opus) file per language, tracks that appear later (a new language's first listener)
 * join the recording at once. Where the deployment has a recordings bucket, each file is
 * uploaded when recording stops (and so when the session ends), with progress.
 */
export function createRecordingStore(deps: {
  notices: NoticesStore;
  session: ReadonlySignal<SessionOwnerView | undefined>;
  tracks: () => [language: string, track: MediaStreamTrack][];
  bridge?: ConsoleBridge;
  uploads?: RecordingUploads;
}) {
  const { notices, session } = deps;
  const recording = signal(false);
  const recorders = new Map<string, LanguageRecorder>();
  let sink: RecordingSink | undefined;
  /** Set while recording when the deployment takes uploads: the chunks kept for them and the days kept. */
  let upload: { keeper: ChunkKeeper; expireDays: number } | undefined;

  const recordNewTracks = (): void => {
    const live = session.value;
    if (!recording.value || !live || !sink) return;
    for (const [language, track] of deps.tracks()) {
      if (recorders.has(language)) continue;
      try {
        const startedAt = Date.now();
        const recorder = new TrackRecorder(track, recordingFileName(live.id, language, startedAt), sink);
        recorder.start();
        recorders.set(language, { recorder, language, startedAt });
      } catch (err) {
        notices.push({
          id: "recording",
          level: "error",
          text: `${language} is not being recorded: ${(err as Error).message}`,
        });
      }
    }
  };

  /** Uploads each finished file; a failed one stays on disk (Electron) or is downloaded (browser). */
  const uploadAll = async (
    sessionId: string,
    finished: readonly { entry: LanguageRecorder; path: string }[],
    kept: { keeper: ChunkKeeper; expireDays: number },
  ): Promise<void> => {
    const progress = new Map(finished.map(({ entry }) => [entry.language, 0]));
    const show = () =>
      notices.push({
        id: "recording-upload",
        level: "info",
        text: `Uploading recordings: ${uploadProgressText(progress)}`,
      });
    show();
    const results = await Promise.allSettled(
      finished.map(async ({ entry, path }) => {
        const file = kept.keeper.take(entry.recorder.name);
        try {
          return await deps.uploads!.upload(sessionId, entry.language, entry.startedAt, file, (f) => {
            progress.set(entry.language, f);
            show();
          });
        } catch (err) {
          if (!deps.bridge) saveDownload(file, entry.recorder.name);
          throw new Error(
            `${entry.language}: ${(err as Error).message}; the file is kept ${deps.bridge ? `at ${path}` : "in your downloads"}`,
          );
        }
      }),
    );
    const uploaded = finished.filter((_, i) => results[i]?.status === "fulfilled").map(({ entry }) => entry.language);
    const failed = results.flatMap((r) => (r.status === "rejected" ? [String((r.reason as Error).message)] : []));
    if (uploaded.length > 0)
      notices.push({
        id: "recording-upload",
        level: "info",
        text: `Recordings uploaded (${uploaded.join(", ")}); the cloud keeps them ${kept.expireDays} days`,
      });
    else notices.clear("recording-upload");
    if (failed.length > 0)
      notices.push({ id: "recording-upload-failed", level: "error", text: `Upload failed: ${failed.join("; ")}` });
  };

  const stop = async (): Promise<void> => {
    if (!recording.value) return;
    recording.value = false;
    const all = [...recorders.values()];
    recorders.clear();
    const kept = upload;
    upload = undefined;
    const saved = await Promise.allSettled(all.map((r) => r.recorder.stop()));
    const finished = all.flatMap((entry, i) => {
      const s = saved[i];
      return s?.status === "fulfilled" ? [{ entry, path: s.value }] : [];
    });
    const failed = saved.flatMap((s) => (s.status === "rejected" ? [String((s.reason as Error).message)] : []));
    // The browser's files are downloaded only if their upload fails; Electron's are on disk already.
    if (finished.length > 0 && (!kept || deps.bridge))
      notices.push({
        id: "recording",
        level: "info",
        text: `Recordings saved: ${finished.map((f) => f.path).join(", ")}`,
      });
    if (failed.length > 0)
      notices.push({
        id: "recording-failed",
        level: "error",
        text: `Some recordings are incomplete: ${failed.join("; ")}. Check free disk space.`,
      });
    const live = session.value;
    if (kept && live && finished.length > 0) await uploadAll(live.id, finished, kept);
  };

  /** Whether the deployment takes uploads: asked when recording starts; a failure to ask means no upload. */
  const uploadsAvailable = async (sessionId: string): Promise<number | undefined> => {
    if (!deps.uploads) return undefined;
    try {
      return await deps.uploads.available(sessionId);
    } catch {
      return undefined;
    }
  };

  return {
    recording,
    /** Turns recording on (every track sent now and later) or off (the files are finished). */
    async toggle(): Promise<void> {
      if (recording.value) return stop();
      // On at once (the button answers the click); the tracks start once the sink is known.
      recording.value = true;
      const live = session.value;
      const expireDays = live ? await uploadsAvailable(live.id) : undefined;
      if (!recording.value) return;
      const disk = deps.bridge ? diskSink(deps.bridge) : undefined;
      if (expireDays !== undefined) {
        const keeper = chunkKeeper();
        upload = { keeper, expireDays };
        sink = uploadingSink(keeper, disk);
      } else {
        sink = disk ?? downloadSink();
      }
      recordNewTracks();
    },
    /** A language got its track: recorded too while recording is on. */
    recordNewTracks,
    stop,
  };
}

export type RecordingStore = ReturnType<typeof createRecordingStore>;
