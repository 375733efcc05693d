import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CreateVocabularyCommand,
  CreateVocabularyFilterCommand,
  DeleteVocabularyFilterCommand,
  GetVocabularyCommand,
  GetVocabularyFilterCommand,
  paginateListVocabularyFilters,
  TranscribeClient,
  UpdateVocabularyFilterCommand,
} from "@aws-sdk/client-transcribe";
import {
  type AudioStream,
  type Result,
  StartStreamTranscriptionCommand,
  TranscribeStreamingClient,
} from "@aws-sdk/client-transcribe-streaming";
import { eventStreamPayloadHandler } from "@aws-sdk/middleware-sdk-transcribe-streaming";
import { WebSocketFetchHandler } from "@aws-sdk/middleware-websocket";
import { PATHS } from "@babelcast/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { credentialsService, type TemporaryCredentials } from "../../src/auth/temporaryCredentials.js";
import { type RunningEmbeddedServer, startEmbeddedServer } from "../../src/embeddedServer.js";
import { createTranscribeService, type TranscribeService } from "../../src/transcribe/transcribeService.js";
import { type LibrivoxClip as Clip, loadLibrivoxClips as loadClips } from "../support/librivoxClips.js";

// The SDK's browser build talks WebSocket; in Node the same handler needs a WebSocket global.
// A refused upgrade must surface through the SDK, not as an uncaught `ws` error event.
class BrowserLikeWebSocket extends WebSocket {
  constructor(...args: ConstructorParameters<typeof WebSocket>) {
    super(...args);
    this.on("error", () => {});
  }
}
(globalThis as { WebSocket?: unknown }).WebSocket = BrowserLikeWebSocket;

// These tests check the endpoint's results (partials, stability, finals, filters), not the recognizer's
// catch-up (pocketsphinxRecognizer.test.ts does): on a loaded machine (the whole suite on 2 cores) a worker can
// fall more than its 1 s threshold behind and rightly stop sending partials, which would fail them for the
// machine's load. Its recognizer workers (started with this process's environment) never take catch-up here.
process.env.BABELCAST_PS_CATCH_UP_AFTER_S = "3600";

let server: RunningEmbeddedServer;
let transcribeService: TranscribeService | undefined;
let clips: Clip[];

beforeAll(async () => {
  clips = loadClips();
  server = await startEmbeddedServer({
    host: "127.0.0.1",
    port: 0,
    dataDir: mkdtempSync(join(tmpdir(), "babelcast-transcribe-")),
    services: [
      credentialsService,
      (ctx) => {
        transcribeService = createTranscribeService(ctx);
        return transcribeService;
      },
    ],
  });
  // The first stream then starts on a loaded recognizer, as on a server that has been up a moment: on a busy
  // machine the models can take seconds to load, and audio that queues meanwhile is (rightly) decoded as
  // behind, without partials.
  await transcribeService?.recognizerReady();
});
afterAll(async () => {
  await server?.close();
});

/** The owner's temporary credentials, shaped as the SDK wants them. */
async function issued() {
  const body = (await (await ownerCredentials()).json()) as TemporaryCredentials;
  return { ...body, expiration: new Date(body.expiration) };
}

async function ownerCredentials(token = server.context.ownerToken): Promise<Response> {
  return fetch(`${server.url}${PATHS.credentials}`, { method: "POST", headers: { authorization: `Bearer ${token}` } });
}

/**
 * The SDK client as the console's browser build runs it: WebSocket handler, wss→ws rewrite for a local endpoint,
 * and the endpoint config.json names (the streaming endpoint's own port).
 */
function browserLikeClient(credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }) {
  const client = new TranscribeStreamingClient({
    region: server.context.region,
    endpoint: server.context.config.endpoints?.transcribe,
    credentials,
    requestHandler: new WebSocketFetchHandler(),
    eventStreamPayloadHandlerProvider: () => eventStreamPayloadHandler,
  });
  client.middlewareStack.add(
    (next) => async (args) => {
      const request = args.request as {
        protocol?: string;
        hostname?: string;
        port?: number;
        headers: Record<string, string>;
      };
      if (request.protocol === "wss:" && request.hostname) {
        request.protocol = "ws:";
        request.hostname = request.hostname.replace(/:8443$/, "");
        request.headers.host = `${request.hostname}:${request.port}`;
      }
      return next(args);
    },
    { step: "build", priority: "low", name: "localWebSocket" },
  );
  return client;
}

/** Streams PCM in 100 ms chunks every `paceMs`, then a second of silence so the last words end. */
async function* audio(pcm: Buffer, paceMs: number, finalSeen: () => boolean): AsyncGenerator<AudioStream> {
  const withTail = Buffer.concat([pcm, Buffer.alloc(32000)]);
  for (let i = 0; i < withTail.length; i += 3200) {
    yield { AudioEvent: { AudioChunk: withTail.subarray(i, i + 3200) } };
    await new Promise((r) => setTimeout(r, paceMs));
  }
  // Keep the stream open until the final has arrived: the client drops what comes after the end.
  for (let waited = 0; waited < 60_000 && !finalSeen(); waited += 100) await new Promise((r) => setTimeout(r, 100));
}

async function transcribe(
  client: TranscribeStreamingClient,
  pcm: Buffer,
  extra: {
    LanguageCode?: string | undefined;
    VocabularyName?: string;
    MediaSampleRateHertz?: number;
    IdentifyLanguage?: boolean;
    LanguageOptions?: string;
    PreferredLanguage?: string;
    VocabularyFilterName?: string;
    VocabularyFilterMethod?: "mask" | "remove" | "tag";
  } = {},
  finalsWanted = 1,
): Promise<Result[]> {
  const results: Result[] = [];
  const response = await client.send(
    new StartStreamTranscriptionCommand({
      LanguageCode: "en-US",
      MediaEncoding: "pcm",
      MediaSampleRateHertz: 16000,
      EnablePartialResultsStabilization: true,
      PartialResultsStability: "high",
      AudioStream: audio(pcm, 25, () => results.filter((r) => r.IsPartial === false).length >= finalsWanted),
      ...extra,
    } as never),
  );
  for await (const event of response.TranscriptResultStream ?? []) {
    if (process.env.DEBUG_TRANSCRIBE) console.log(JSON.stringify(event));
    if (!event.TranscriptEvent) {
      // Modeled exceptions arrive as union members of the result stream.
      const [name, value] = Object.entries(event)[0] ?? ["Unknown", {}];
      throw Object.assign(new Error((value as { Message?: string }).Message ?? name), { name });
    }
    results.push(...(event.TranscriptEvent.Transcript?.Results ?? []));
  }
  return results;
}

/** The Transcribe API client (vocabularies, filters) on the embedded endpoint. */
const vocabularyClient = (c: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }) =>
  new TranscribeClient({ region: server.context.region, endpoint: `${server.url}${PATHS.transcribe}`, credentials: c });

const words = (r: Result) => (r.Alternatives?.[0]?.Items ?? []).filter((i) => i.Type === "pronunciation");

describe("temporary credentials for the session owner", () => {
  it("are issued for the owner token only", async () => {
    expect((await ownerCredentials("not-the-owner")).status).toBe(401);
    const res = await ownerCredentials();
    expect(res.status).toBe(200);
    const body = (await res.json()) as TemporaryCredentials;
    expect(body.accessKeyId).toMatch(/^ASIA/);
    expect(body.sessionToken.length).toBeGreaterThan(20);
    expect(Date.parse(body.expiration)).toBeGreaterThan(Date.now());
  });
});

// Each stream decodes real speech: allow for a busy two-core machine.
describe("embedded Transcribe streaming through the real SDK client", { timeout: 150_000 }, () => {
  it("streams a LibriVox clip and yields partials with stable words, then a final from the clip's words", async () => {
    const credentials = await issued();
    const clip = clips.find((c) => c.id.endsWith("0880")) as Clip;
    const results = await transcribe(browserLikeClient(credentials), clip.pcm);

    const partials = results.filter((r) => r.IsPartial);
    const finals = results.filter((r) => r.IsPartial === false);
    expect(partials.length).toBeGreaterThan(2);
    expect(finals).toHaveLength(1);
    const final = finals[0] as Result;
    expect(partials.every((p) => p.ResultId === final.ResultId)).toBe(true);
    // A word once stable keeps its content and time in every later result of the utterance.
    const stable = partials.flatMap(words).filter((i) => i.Stable);
    expect(stable.length).toBeGreaterThan(0);
    for (const item of stable) {
      expect(words(final).some((w) => w.Content === item.Content && w.StartTime === item.StartTime)).toBe(true);
    }
    const reference = new Set(clip.reference.split(" "));
    const recognized = words(final).map((w) => w.Content ?? "");
    expect(recognized.filter((w) => reference.has(w)).length).toBeGreaterThanOrEqual(4);
    expect(final.Alternatives?.[0]?.Transcript).toMatch(/\.$/);
    for (const w of words(final)) expect(w.EndTime ?? 0).toBeGreaterThan(w.StartTime ?? 0);
  });

  it("places words on the stream's clock across utterances", async () => {
    const credentials = await issued();
    const [first, second] = [clips[1], clips[4]] as [Clip, Clip];
    const pause = Buffer.alloc(2 * 16000 * 2);
    const results = await transcribe(
      browserLikeClient(credentials),
      Buffer.concat([first.pcm, pause, second.pcm]),
      {},
      2,
    );
    const finals = results.filter((r) => r.IsPartial === false);
    expect(finals).toHaveLength(2);
    expect(finals[0]?.ResultId).not.toBe(finals[1]?.ResultId);
    const secondStarts = first.pcm.length / 32000 + 2;
    expect(finals[1]?.StartTime).toBeGreaterThan(secondStarts - 0.3);
    expect(finals[1]?.StartTime).toBeLessThan(secondStarts + 1);
  });

  it("refuses the data dir's long-term key and unknown keys at the upgrade", async () => {
    const clip = clips[1] as Clip;
    await expect(transcribe(browserLikeClient(server.context.credentials), clip.pcm)).rejects.toThrow();
    const forged = { accessKeyId: "ASIAFORGED", secretAccessKey: "x", sessionToken: "y" };
    await expect(transcribe(browserLikeClient(forged), clip.pcm)).rejects.toThrow();
  });

  it("answers an unsupported language with BadRequestException", async () => {
    const credentials = await issued();
    await expect(
      transcribe(browserLikeClient(credentials), (clips[1] as Clip).pcm, { LanguageCode: "fr-FR" }),
    ).rejects.toMatchObject({ name: "BadRequestException", message: expect.stringMatching(/fr-FR/) });
  });

  it("answers automatic language identification with a BadRequestException saying it is not available offline", async () => {
    const credentials = await issued();
    await expect(
      transcribe(browserLikeClient(credentials), (clips[1] as Clip).pcm, {
        LanguageCode: undefined,
        IdentifyLanguage: true,
        LanguageOptions: "en-US,es-US",
        PreferredLanguage: "en-US",
      }),
    ).rejects.toMatchObject({
      name: "BadRequestException",
      message: expect.stringMatching(/language identification is not available offline.*English \(en-US\) only/),
    });
  });

  it("answers an unsupported sample rate with BadRequestException", async () => {
    const credentials = await issued();
    await expect(
      transcribe(browserLikeClient(credentials), (clips[1] as Clip).pcm, { MediaSampleRateHertz: 44100 }),
    ).rejects.toMatchObject({ name: "BadRequestException" });
  });

  it("adds a custom vocabulary's new words to the recognizer", async () => {
    const credentials = await issued();
    // The console's credentials may only stream, as its cloud role; the backend builds vocabularies.
    await expect(
      vocabularyClient(credentials).send(
        new CreateVocabularyCommand({ VocabularyName: "console-made", LanguageCode: "en-US", Phrases: ["Babelcast"] }),
      ),
    ).rejects.toMatchObject({ name: "AccessDeniedException" });
    const control = vocabularyClient(server.context.credentials);
    await control.send(
      new CreateVocabularyCommand({
        VocabularyName: "glossary",
        LanguageCode: "en-US",
        Phrases: ["Babelcast", "Dashwood"],
      }),
    );
    const got = await control.send(new GetVocabularyCommand({ VocabularyName: "glossary" }));
    expect(got.VocabularyState).toBe("READY");
    const clip = clips.find((c) => c.id.endsWith("0880")) as Clip;
    const results = await transcribe(browserLikeClient(credentials), clip.pcm, { VocabularyName: "glossary" });
    expect(results.some((r) => r.IsPartial === false)).toBe(true);
    await expect(
      transcribe(browserLikeClient(credentials), clip.pcm, { VocabularyName: "missing" }),
    ).rejects.toMatchObject({ name: "BadRequestException" });
  });
});

describe("vocabulary filters through the real SDK client", () => {
  it("creates, reads, pages, updates and deletes filters as AWS does", async () => {
    const control = vocabularyClient(server.context.credentials);
    for (const name of ["babelcast-f1", "babelcast-f2", "babelcast-f3", "other-f4"])
      await control.send(
        new CreateVocabularyFilterCommand({ VocabularyFilterName: name, LanguageCode: "en-US", Words: ["heck"] }),
      );
    const got = await control.send(new GetVocabularyFilterCommand({ VocabularyFilterName: "babelcast-f1" }));
    expect(got).toMatchObject({ VocabularyFilterName: "babelcast-f1", LanguageCode: "en-US" });
    expect(got.LastModifiedTime).toBeInstanceOf(Date);
    // Pages of two: NameContains is case-insensitive; every name comes once.
    const names: string[] = [];
    for await (const page of paginateListVocabularyFilters(
      { client: control, pageSize: 2 },
      { NameContains: "BABELCAST" },
    ))
      names.push(...(page.VocabularyFilters ?? []).map((f) => f.VocabularyFilterName ?? ""));
    expect(names).toEqual(["babelcast-f1", "babelcast-f2", "babelcast-f3"]);
    await control.send(new UpdateVocabularyFilterCommand({ VocabularyFilterName: "babelcast-f1", Words: ["darn"] }));
    await control.send(new DeleteVocabularyFilterCommand({ VocabularyFilterName: "babelcast-f2" }));
    await expect(
      control.send(new GetVocabularyFilterCommand({ VocabularyFilterName: "babelcast-f2" })),
    ).rejects.toMatchObject({ name: "NotFoundException" });
    await expect(
      control.send(new DeleteVocabularyFilterCommand({ VocabularyFilterName: "babelcast-f2" })),
    ).rejects.toMatchObject({ name: "NotFoundException" });
    await expect(
      control.send(new UpdateVocabularyFilterCommand({ VocabularyFilterName: "babelcast-f2", Words: ["x"] })),
    ).rejects.toMatchObject({ name: "NotFoundException" });
    await expect(
      control.send(
        new CreateVocabularyFilterCommand({
          VocabularyFilterName: "babelcast-f1",
          LanguageCode: "en-US",
          Words: ["x"],
        }),
      ),
    ).rejects.toMatchObject({ name: "ConflictException" });
  });

  it.each([
    ["a phrase", { Words: ["two words"] }, /one word/],
    ["no word", { Words: [] }, /Words/],
    ["a word over 256 characters", { Words: ["a".repeat(257)] }, /Words/],
    ["characters outside the en-US set", { Words: ["h3ck"] }, /character set/],
    ["neither Words nor a file", {}, /either Words or VocabularyFilterFileUri/],
    ["a file (no S3 here)", { VocabularyFilterFileUri: "s3://bucket/words.txt" }, /inline/],
    ["a bad name", { VocabularyFilterName: "has space", Words: ["x"] }, /name/],
    ["another language", { LanguageCode: "fr-FR", Words: ["zut"] }, /en-US only/],
  ])("refuses %s with BadRequestException and creates nothing", async (_what, input, message) => {
    const control = vocabularyClient(server.context.credentials);
    const name = `babelcast-bad-${Math.random().toString(36).slice(2, 8)}`;
    await expect(
      control.send(
        new CreateVocabularyFilterCommand({ VocabularyFilterName: name, LanguageCode: "en-US", ...input } as never),
      ),
    ).rejects.toMatchObject({ name: "BadRequestException", message: expect.stringMatching(message) });
    await expect(control.send(new GetVocabularyFilterCommand({ VocabularyFilterName: name }))).rejects.toMatchObject({
      name: "NotFoundException",
    });
  });

  it("refuses the console's credentials (its role may only stream) with AccessDeniedException", async () => {
    await expect(
      vocabularyClient(await issued()).send(
        new CreateVocabularyFilterCommand({
          VocabularyFilterName: "babelcast-console",
          LanguageCode: "en-US",
          Words: ["x"],
        }),
      ),
    ).rejects.toMatchObject({ name: "AccessDeniedException" });
  });
});

describe("a stream with a vocabulary filter", { timeout: 300_000 }, () => {
  const clip = () => clips.find((c) => c.id.endsWith("0880")) as Clip;
  const FILTERED = ["he", "was", "not", "ill", "young", "man"];
  const finalItems = (results: Result[]) => results.filter((r) => r.IsPartial === false).flatMap(words);

  beforeAll(async () => {
    await vocabularyClient(server.context.credentials).send(
      new CreateVocabularyFilterCommand({
        VocabularyFilterName: "babelcast-speech",
        LanguageCode: "en-US",
        Words: FILTERED,
      }),
    );
  });

  it("masks the filter's words in a real recording with *** and flags them, and removes them with remove", async () => {
    const credentials = await issued();
    const masked = await transcribe(browserLikeClient(credentials), clip().pcm, {
      VocabularyFilterName: "babelcast-speech",
      VocabularyFilterMethod: "mask",
    });
    expect(masked.flatMap(words).some((i) => FILTERED.includes((i.Content ?? "").toLowerCase()))).toBe(false);
    const stars = finalItems(masked).filter((i) => i.Content === "***");
    expect(stars.length).toBeGreaterThan(0);
    expect(stars.every((i) => i.VocabularyFilterMatch === true)).toBe(true);
    expect(masked.at(-1)?.Alternatives?.[0]?.Transcript).toContain("***");

    const removed = await transcribe(browserLikeClient(credentials), clip().pcm, {
      VocabularyFilterName: "babelcast-speech",
      VocabularyFilterMethod: "remove",
    });
    const transcript = removed.filter((r) => r.IsPartial === false)[0]?.Alternatives?.[0]?.Transcript ?? "";
    expect(transcript.split(/[\s.]+/).filter((w) => FILTERED.includes(w.toLowerCase()))).toEqual([]);
    expect(transcript).not.toContain("***");
    // The recognizer hears the same words both times: removal takes out exactly the masked ones.
    expect(finalItems(removed).length).toBe(finalItems(masked).length - stars.length);
  });

  it("refuses a stream naming a filter that does not exist with BadRequestException", async () => {
    await expect(
      transcribe(browserLikeClient(await issued()), clip().pcm, { VocabularyFilterName: "babelcast-missing" }),
    ).rejects.toMatchObject({ name: "BadRequestException", message: expect.stringMatching(/vocabulary filter/) });
  });
});
