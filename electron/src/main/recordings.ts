import { appendFile, mkdir } from "node:fs/promises";
import { join } from "node:path";
import { isRecordingFileName, MAX_RECORDING_CHUNK_BYTES } from "../shared/recordingFiles.js";

/**
 * Writes the console's recordings to disk: the renderer (sandboxed, no file access) hands over
 * each WebM chunk as it is recorded, and this appends it to the file of its track under the
 * recordings folder. Checks everything it is given: a recording's name and bytes, nothing else.
 */
export function createRecordingWriter(folder: string) {
  return {
    folder,
    /** Appends one chunk; returns the file's full path. */
    async append(name: unknown, chunk: unknown): Promise<string> {
      if (!isRecordingFileName(name)) throw new Error("a recording's name must be <session>-<language>-<time>.webm");
      if (!(chunk instanceof Uint8Array) || chunk.byteLength === 0 || chunk.byteLength > MAX_RECORDING_CHUNK_BYTES)
        throw new Error(`a recording chunk must be 1 to ${MAX_RECORDING_CHUNK_BYTES} bytes`);
      await mkdir(folder, { recursive: true });
      const path = join(folder, name);
      await appendFile(path, chunk);
      return path;
    },
  };
}

export type RecordingWriter = ReturnType<typeof createRecordingWriter>;
