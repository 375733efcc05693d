import { RECORDING_MIME_TYPE } from "../../shared/recordingFiles.js";

/** Where a recording's chunks go: a file on disk (Electron) or a download at the end (browser). */
export interface RecordingSink {
  append(name: string, chunk: Uint8Array): Promise<void>;
  /** The recording is complete: returns where it went, for the presenter. */
  finish(name: string): Promise<string>;
}

/** A chunk every few seconds: a crash loses at most that much, and no chunk grows large. */
const TIMESLICE_MS = 5_000;

/**
 * Records one language track (Opus in WebM) with MediaRecorder, handing each chunk to the
 * sink in order as it is encoded.
 */
export class TrackRecorder {
  private readonly recorder: MediaRecorder;
  private written: Promise<void> = Promise.resolve();
  private failure: Error | undefined;

  constructor(
    track: MediaStreamTrack,
    readonly name: string,
    private readonly sink: RecordingSink,
  ) {
    if (!MediaRecorder.isTypeSupported(RECORDING_MIME_TYPE))
      throw new Error(`this browser cannot record ${RECORDING_MIME_TYPE}`);
    this.recorder = new MediaRecorder(new MediaStream([track]), { mimeType: RECORDING_MIME_TYPE });
    this.recorder.ondataavailable = (e) => {
      if (e.data.size === 0) return;
      // Chained, so chunks reach the file in the order they were encoded.
      this.written = this.written.then(async () => {
        if (this.failure) return;
        try {
          await this.sink.append(this.name, new Uint8Array(await e.data.arrayBuffer()));
        } catch (err) {
          this.failure = err as Error;
        }
      });
    };
  }

  start(): void {
    this.recorder.start(TIMESLICE_MS);
  }

  /** Stops, writes the last chunk and finishes the file; returns where it went. */
  async stop(): Promise<string> {
    if (this.recorder.state !== "inactive") {
      const stopped = new Promise((resolve) => this.recorder.addEventListener("stop", resolve, { once: true }));
      this.recorder.stop();
      await stopped;
    }
    await this.written;
    if (this.failure) throw new Error(`${this.name} could not be written: ${this.failure.message}`);
    return this.sink.finish(this.name);
  }
}
