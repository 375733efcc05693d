import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RecordingList } from "@babelcast/protocol";
import { expect, test } from "@playwright/test";
import { writeConsoleTestWav } from "../../support/consoleAudio.js";
import { type ConsoleTestServers, fakeMicrophone, startConsoleTestServers } from "../../support/consoleFixtures.js";

const wav = writeConsoleTestWav(mkdtempSync(join(tmpdir(), "babelcast-upload-audio-")));
test.use({ launchOptions: fakeMicrophone(wav), acceptDownloads: true });
test.setTimeout(300_000);

let servers: ConsoleTestServers;
let dataDir: string;

test.beforeAll(async () => {
  // A home with a recordings bucket, as a cloud deployment has: uploads are on.
  dataDir = mkdtempSync(join(tmpdir(), "babelcast-upload-"));
  writeFileSync(
    join(dataDir, "embedded.json"),
    JSON.stringify({ recordings: { bucket: "babelcast-recordings", expireDays: 30 } }),
  );
  servers = await startConsoleTestServers({ dataDir });
});
test.afterAll(async () => {
  await servers?.stop();
});

test("with recording on, the console uploads its WebM to the recordings bucket when recording stops, and the object decodes as Opus", async ({
  page,
}) => {
  const { server } = servers;
  await page.goto(server.ready.consoleUrl);
  await expect(page.getByTestId("console")).toHaveAttribute("data-phase", "setup", { timeout: 20_000 });
  await page.getByTestId("title").fill("Upload check");
  await page.getByTestId("source-language").selectOption("en");
  await page.getByTestId("target-es").check();
  await page.getByTestId("create-session").click();
  await expect(page.getByTestId("console")).toHaveAttribute("data-phase", "live", { timeout: 20_000 });
  await page.getByTestId("qr-close").click();
  const id = /([a-z]+-[a-z]+-\d{3})/.exec((await page.getByTestId("session-id").textContent()) ?? "")?.[1] ?? "";

  const downloads: string[] = [];
  page.on("download", (d) => downloads.push(d.suggestedFilename()));
  await page.getByTestId("record").click();
  await expect(page.getByTestId("record")).toHaveAttribute("aria-pressed", "true");
  // A few seconds of the test tone on the original track.
  await page.waitForTimeout(3_000);
  await page.getByTestId("record").click();
  await expect(page.getByTestId("notice-recording-upload")).toContainText("Recordings uploaded (en)", {
    timeout: 60_000,
  });
  await expect(page.getByTestId("notice-recording-upload")).toContainText("30 days");
  // Uploaded, so the browser console downloaded nothing.
  expect(downloads).toEqual([]);

  const ownerToken = readFileSync(join(dataDir, "owner-token"), "utf8").trim();
  const listed = await fetch(`${servers.config.apiUrl}/sessions/${id}/recordings`, {
    headers: { authorization: `Bearer ${ownerToken}` },
  });
  expect(listed.status).toBe(200);
  const list = RecordingList.parse(await listed.json());
  expect(list.recordings.map((r) => r.language)).toEqual(["en"]);
  expect(list.recordings[0]?.key).toMatch(new RegExp(`^recordings/${id}/en-\\d{8}T\\d{6}Z\\.webm$`));
  const object = await fetch(list.recordings[0]!.url);
  expect(object.headers.get("content-type")).toBe("audio/webm");
  const bytes = Buffer.from(await object.arrayBuffer());
  // WebM (EBML magic) whose track is Opus, and the browser decodes it to audio.
  expect(bytes.subarray(0, 4).toString("hex")).toBe("1a45dfa3");
  expect(bytes.includes(Buffer.from("A_OPUS"))).toBe(true);
  const seconds = await page.evaluate(async (base64) => {
    const data = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    return (await new OfflineAudioContext(1, 1, 48_000).decodeAudioData(data.buffer)).duration;
  }, bytes.toString("base64"));
  expect(seconds).toBeGreaterThan(0.5);
});
