/**
 * Names of the console's recordings, one WebM (Opus) file per language track:
 * `<session id>-<language>-<UTC start, yyyymmddThhmmssZ>.webm`. The renderer makes them and
 * the main process accepts nothing else, so a page can never write outside the recordings
 * folder or any other kind of file. Pure.
 */

export const RECORDING_MIME_TYPE = "audio/webm;codecs=opus";

const RECORDING_NAME = /^[a-z]+-[a-z]+-\d{3}-[a-z]{2,3}(?:-[A-Za-z]{2,4})?-\d{8}T\d{6}Z\.webm$/;

/** Largest chunk one IPC call may append (the renderer sends one every few seconds, far smaller). */
export const MAX_RECORDING_CHUNK_BYTES = 8 * 1024 * 1024;

export function recordingFileName(sessionId: string, language: string, startedAt: number): string {
  const stamp = new Date(startedAt)
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}Z$/, "Z");
  return `${sessionId}-${language}-${stamp}.webm`;
}

export function isRecordingFileName(name: unknown): name is string {
  return typeof name === "string" && RECORDING_NAME.test(name);
}
