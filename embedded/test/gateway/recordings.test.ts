import { MAX_RECORDING_BYTES, RecordingList, RecordingUploadGrant } from "@babelcast/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "./harness.js";

const WEBM = new Uint8Array(Buffer.from("\x1aE\xdf\xa3 not a real WebM, but bytes", "latin1"));

let withBucket: Harness;
let withoutBucket: Harness;

beforeAll(async () => {
  withBucket = await startHarness({ recordings: { bucket: "babelcast-recordings", expireDays: 7 } });
  withoutBucket = await startHarness();
});
afterAll(async () => {
  await withBucket?.stop();
  await withoutBucket?.stop();
});

async function createSession(h: Harness): Promise<string> {
  const created = await h.api(
    "POST",
    "/sessions",
    { title: "Recorded", sourceLanguage: "en", targetLanguages: ["es"] },
    h.ownerToken,
  );
  expect(created.status, created.text).toBe(201);
  return created.json.id as string;
}

describe("POST /sessions/{id}/recordings", () => {
  it("gives the owner a presigned PUT that uploads the recording, which the list then offers for download", {
    timeout: 60_000,
  }, async () => {
    const id = await createSession(withBucket);
    const startedAt = Date.UTC(2026, 11, 6, 19, 0, 0);
    const res = await withBucket.api(
      "POST",
      `/sessions/${id}/recordings`,
      { language: "es", contentType: "audio/webm", bytes: WEBM.length, startedAt },
      withBucket.ownerToken,
    );
    expect(res.status, res.text).toBe(201);
    const grant = RecordingUploadGrant.parse(res.json);
    expect(grant.key).toBe(`recordings/${id}/es-20261206T190000Z.webm`);
    const url = new URL(grant.url);
    expect(url.searchParams.get("X-Amz-SignedHeaders")).toBe("content-length;content-type;host");
    expect(Number(url.searchParams.get("X-Amz-Expires"))).toBeLessThanOrEqual(900);

    const put = await fetch(grant.url, { method: grant.method, headers: grant.headers, body: WEBM });
    expect(put.status, await put.clone().text()).toBe(200);

    const listed = await withBucket.api("GET", `/sessions/${id}/recordings`, undefined, withBucket.ownerToken);
    expect(listed.status, listed.text).toBe(200);
    const list = RecordingList.parse(listed.json);
    expect(list).toMatchObject({ uploads: true, expireDays: 7 });
    expect(list.recordings.map((r) => [r.key, r.language, r.bytes])).toEqual([[grant.key, "es", WEBM.length]]);
    const download = await fetch(list.recordings[0]!.url);
    expect(download.status).toBe(200);
    expect(download.headers.get("content-type")).toBe("audio/webm");
    expect(new Uint8Array(await download.arrayBuffer())).toEqual(WEBM);
  });

  it("refuses a language the session does not have, a size past S3's 5 GB PUT, an unknown type, and a caller without the owner's token", {
    timeout: 60_000,
  }, async () => {
    const id = await createSession(withBucket);
    const ask = (body: unknown, token = withBucket.ownerToken) =>
      withBucket.api("POST", `/sessions/${id}/recordings`, body, token);
    const fr = await ask({ language: "fr", contentType: "audio/webm", bytes: 10 });
    expect([fr.status, fr.json.error.message]).toEqual([400, expect.stringContaining("fr is not one of")]);
    const huge = await ask({ language: "es", contentType: "audio/webm", bytes: MAX_RECORDING_BYTES + 1 });
    expect([huge.status, huge.json.error.message]).toEqual([400, expect.stringContaining("5 GB")]);
    const mp3 = await ask({ language: "es", contentType: "audio/mpeg", bytes: 10 });
    expect(mp3.status).toBe(400);
    const stranger = await ask({ language: "es", contentType: "audio/webm", bytes: 10 }, "not-the-owner-token");
    expect(stranger.status).toBe(401);
    const listed = await withBucket.api("GET", `/sessions/${id}/recordings`, undefined, withBucket.ownerToken);
    expect(RecordingList.parse(listed.json).recordings).toEqual([]);
  });

  it("says uploads are off (409) where the deployment has no recordings bucket, and lists none", async () => {
    const id = await createSession(withoutBucket);
    const res = await withoutBucket.api(
      "POST",
      `/sessions/${id}/recordings`,
      { language: "es", contentType: "audio/webm", bytes: 10 },
      withoutBucket.ownerToken,
    );
    expect(res.status).toBe(409);
    expect(res.json.error).toMatchObject({ code: "RecordingUploadsOff" });
    const listed = await withoutBucket.api("GET", `/sessions/${id}/recordings`, undefined, withoutBucket.ownerToken);
    expect(listed.json).toEqual({ uploads: false, recordings: [] });
  });
});
