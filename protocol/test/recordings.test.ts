import { describe, expect, it } from "vitest";
import { RecordingUploadRequest, recordingKeyLanguage, recordingObjectKey } from "../src/recordings.js";

describe("recording object keys", () => {
  it("names a recording by session, language and UTC start, with the container's extension", () => {
    const at = Date.UTC(2026, 11, 6, 19, 0, 0);
    expect(recordingObjectKey("amber-harbor-482", "es", at, "audio/webm")).toBe(
      "recordings/amber-harbor-482/es-20261206T190000Z.webm",
    );
    expect(recordingObjectKey("amber-harbor-482", "es", at, "audio/ogg")).toBe(
      "recordings/amber-harbor-482/es-20261206T190000Z.ogg",
    );
  });

  it("refuses a session id or language that could name another object", () => {
    expect(() => recordingObjectKey("../x", "es", 0, "audio/webm")).toThrow();
    expect(() => recordingObjectKey("amber-harbor-482", "es/../x", 0, "audio/webm")).toThrow();
  });

  it("reads the language back from one of the session's keys only", () => {
    expect(recordingKeyLanguage("recordings/amber-harbor-482/fr-20261206T190000Z.webm", "amber-harbor-482")).toBe("fr");
    expect(recordingKeyLanguage("recordings/other-session-111/fr-20261206T190000Z.webm", "amber-harbor-482")).toBe(
      undefined,
    );
    expect(recordingKeyLanguage("recordings/amber-harbor-482/notes.txt", "amber-harbor-482")).toBe(undefined);
  });

  it("refuses an upload request past S3's 5 GB single PUT, empty, or of another type", () => {
    const ok = { language: "es", contentType: "audio/webm", bytes: 1000 };
    expect(RecordingUploadRequest.safeParse(ok).success).toBe(true);
    expect(RecordingUploadRequest.safeParse({ ...ok, bytes: 5 * 1024 ** 3 + 1 }).success).toBe(false);
    expect(RecordingUploadRequest.safeParse({ ...ok, bytes: 0 }).success).toBe(false);
    expect(RecordingUploadRequest.safeParse({ ...ok, contentType: "audio/mpeg" }).success).toBe(false);
    expect(RecordingUploadRequest.safeParse({ ...ok, extra: 1 }).success).toBe(false);
  });
});
