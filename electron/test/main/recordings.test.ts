import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createRecordingWriter } from "../../src/main/recordings.js";
import { recordingFileName } from "../../src/shared/recordingFiles.js";

const name = recordingFileName("amber-harbor-482", "es", Date.UTC(2026, 11, 6, 23, 5, 9));

describe("recording writer", () => {
  it("names a track's file by session, language and UTC start", () => {
    expect(name).toBe("amber-harbor-482-es-20261206T230509Z.webm");
  });

  it("appends each chunk in order to the track's file in the recordings folder", async () => {
    const folder = join(mkdtempSync(join(tmpdir(), "babelcast-rec-")), "Babelcast recordings");
    const writer = createRecordingWriter(folder);
    const path = await writer.append(name, new Uint8Array([1, 2]));
    await writer.append(name, new Uint8Array([3]));
    expect(path).toBe(join(folder, name));
    expect([...readFileSync(path)]).toEqual([1, 2, 3]);
  });

  it.each([
    ["a path out of the folder", "../../.bashrc"],
    ["another kind of file", "amber-harbor-482-es-20261206T230509Z.exe"],
    ["a name that is not a string", 42],
  ])("refuses %s and writes nothing", async (_what, bad) => {
    const folder = mkdtempSync(join(tmpdir(), "babelcast-rec-"));
    await expect(createRecordingWriter(folder).append(bad, new Uint8Array([1]))).rejects.toThrow(/name/);
    expect(readdirSync(folder)).toEqual([]);
  });

  it("refuses a chunk that is not bytes, or empty", async () => {
    const folder = mkdtempSync(join(tmpdir(), "babelcast-rec-"));
    const writer = createRecordingWriter(folder);
    await expect(writer.append(name, "not bytes")).rejects.toThrow(/chunk/);
    await expect(writer.append(name, new Uint8Array())).rejects.toThrow(/chunk/);
    expect(readdirSync(folder)).toEqual([]);
  });
});
