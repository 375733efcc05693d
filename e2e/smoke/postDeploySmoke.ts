import { SynthesizeSpeechCommand } from "@aws-sdk/client-polly";
import { createPollyClient } from "@babelcast/backend/aws/pollyClient.js";
import {
  type CaptionMessage,
  ConfigDocument,
  captionChannel,
  type EventApiEndpoints,
  JoinResponse,
  LANGUAGES,
  PATHS,
  type SegmentProgressMessage,
  ServerMessage,
  SessionOwnerView,
} from "@babelcast/protocol";
import { EventSubscriber } from "@babelcast/protocol/eventSubscriber";
import WebSocket from "ws";

/**
 * The post-deploy smoke check: one short talk through a running Babelcast, the same steps
 * against a cloud stack (`npm run smoke -- --config URL`) and, in `npm test`, against the
 * embedded server. Each step's wall-clock time is reported; any step that fails stops the run
 * with a message naming what did not happen.
 */

/** How the smoke check proves it is a presenter, and gets the console's AWS credentials. */
export interface PresenterIdentity {
  /** Bearer token for the HTTP API and the console's WebSocket. */
  readonly token: string;
  /** The console's own AWS credentials (embedded: traded for the owner token; cloud: identity pool). */
  credentials(): Promise<{ accessKeyId: string; secretAccessKey: string; sessionToken?: string; expiration?: Date }>;
}

export interface SmokeOptions {
  readonly configUrl: string;
  signIn(config: ConfigDocument): Promise<PresenterIdentity>;
  /** Languages the two listeners choose (default es and fr). */
  readonly languages?: readonly [string, string];
  /** Segments the console sends (default 5). */
  readonly segments?: number;
  /** How long to wait for each expected message (default 30 s). */
  readonly timeoutMs?: number;
  readonly log?: (line: string) => void;
}

export interface SmokeStep {
  readonly name: string;
  readonly ms: number;
}

export interface SmokeReport {
  readonly steps: SmokeStep[];
  readonly sessionId: string;
  /** Caption seqs each listener got, in arrival order, by language. */
  readonly captions: Record<string, number[]>;
}

const SENTENCES = [
  "Good morning and welcome to everyone.",
  "Thank you all for coming today.",
  "The weather is beautiful this morning.",
  "We will begin with a short reading.",
  "Please find a seat near the front.",
  "Our next meeting is on Sunday.",
];

/** A WebSocket that keeps every server message and lets a step wait for one. */
class MessageLog {
  readonly messages: ServerMessage[] = [];
  private readonly waiters = new Set<() => void>();

  constructor(readonly socket: WebSocket) {
    socket.on("message", (data, isBinary) => {
      if (isBinary) throw new Error("the WebSocket API sent a binary frame; API Gateway documents text frames only");
      this.add(JSON.parse(data.toString()));
    });
  }

  /** A message from the WebSocket, or an event from the listener's caption channel. */
  add(message: unknown): void {
    this.messages.push(ServerMessage.parse(message));
    for (const w of this.waiters) w();
  }

  async until<T>(what: string, found: () => T | undefined, timeoutMs: number): Promise<T> {
    const now = found();
    if (now !== undefined) return now;
    return new Promise<T>((resolve, reject) => {
      const check = () => {
        const value = found();
        if (value === undefined) return;
        done();
        resolve(value);
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`smoke: ${what} did not happen within ${timeoutMs} ms`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
    });
  }

  of<T extends ServerMessage["type"]>(type: T): Extract<ServerMessage, { type: T }>[] {
    return this.messages.filter((m): m is Extract<ServerMessage, { type: T }> => m.type === type);
  }

  close(): void {
    this.socket.close();
  }
}

function openSocket(url: string, timeoutMs: number): Promise<MessageLog> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    const timer = setTimeout(
      () => reject(new Error(`smoke: WebSocket ${new URL(url).origin} did not open`)),
      timeoutMs,
    );
    socket.once("open", () => {
      clearTimeout(timer);
      resolve(new MessageLog(socket));
    });
    socket.once("unexpected-response", (_req, res) => {
      clearTimeout(timer);
      reject(new Error(`smoke: WebSocket refused with HTTP ${res.statusCode}`));
    });
    socket.once("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

// Node 20 has no WebSocket global; ws's class has the browser's API, which the subscriber uses.
(globalThis as { WebSocket?: unknown }).WebSocket ??= WebSocket;

/** Follows a language's caption channel on the Event API as the listener page does; its events go to `log`. */
function followCaptions(
  events: EventApiEndpoints,
  token: string,
  channel: string,
  log: MessageLog,
  timeoutMs: number,
): Promise<EventSubscriber> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`smoke: the caption channel ${channel} did not subscribe`)),
      timeoutMs,
    );
    const subscriber = new EventSubscriber({
      ...events,
      token,
      channel,
      onEvent: (event) => log.add(event),
      onSubscribed: () => {
        clearTimeout(timer);
        resolve(subscriber);
      },
      onClose: (refused, message) => {
        clearTimeout(timer);
        reject(new Error(`smoke: the caption channel ${channel} ${refused ? "refused" : "closed"}: ${message ?? ""}`));
      },
    });
  });
}

async function callApi(url: string, init: RequestInit & { token?: string }): Promise<unknown> {
  const { token, ...rest } = init;
  const res = await fetch(url, {
    ...rest,
    headers: {
      ...(rest.body ? { "content-type": "application/json" } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
  });
  const text = await res.text();
  if (!res.ok)
    throw new Error(`smoke: ${init.method ?? "GET"} ${new URL(url).pathname} answered ${res.status}: ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/** Captions of one language arrived exactly once each and in segment order. */
export function checkCaptionOrder(language: string, captions: readonly CaptionMessage[], expected: number): number[] {
  const seqs = captions.filter((c) => c.language === language).map((c) => c.seq);
  const wanted = Array.from({ length: expected }, (_, i) => i);
  if (JSON.stringify(seqs) !== JSON.stringify(wanted)) {
    throw new Error(`smoke: ${language} captions arrived as [${seqs.join(", ")}], expected [${wanted.join(", ")}]`);
  }
  return seqs;
}

export async function runSmoke(options: SmokeOptions): Promise<SmokeReport> {
  const log = options.log ?? (() => {});
  const timeoutMs = options.timeoutMs ?? 30_000;
  const languages = options.languages ?? (["es", "fr"] as const);
  const count = options.segments ?? 5;
  const steps: SmokeStep[] = [];
  const step = async <T>(name: string, run: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    let value: T;
    try {
      value = await run();
    } catch (err) {
      log(`FAIL ${name}`);
      // The admin reads which step broke, then why.
      throw new Error(`smoke: "${name}" failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
    const ms = Math.round(performance.now() - started);
    steps.push({ name, ms });
    log(`ok   ${name.padEnd(44)} ${String(ms).padStart(6)} ms`);
    return value;
  };
  const sockets: MessageLog[] = [];
  const feeds: EventSubscriber[] = [];
  try {
    const config = await step("read config.json", async () =>
      ConfigDocument.parse(await callApi(options.configUrl, { method: "GET" })),
    );
    const presenter = await step("sign in as a presenter", () => options.signIn(config));
    const session = await step("create a session", async () =>
      SessionOwnerView.parse(
        await callApi(`${config.apiUrl}/sessions`, {
          method: "POST",
          token: presenter.token,
          body: JSON.stringify({ title: "Babelcast smoke check", sourceLanguage: "en", targetLanguages: languages }),
        }),
      ),
    );
    const sessionId = session.id;
    const consoleUrl = `${config.webSocketUrl}?${new URLSearchParams({ role: "console", sessionId, token: presenter.token })}`;
    const consoleSocket = await step("console connects", () => openSocket(consoleUrl, timeoutMs));
    sockets.push(consoleSocket);
    consoleSocket.socket.send(JSON.stringify({ action: "status", status: "live", muted: false }));

    const listeners = await step(`listeners join in ${languages.join(" and ")}`, () =>
      Promise.all(
        languages.map(async (language) => {
          const join = JoinResponse.parse(
            await callApi(`${config.apiUrl}/sessions/${sessionId}/listeners`, {
              method: "POST",
              body: JSON.stringify({ language }),
            }),
          );
          const url = `${join.webSocketUrl}?${new URLSearchParams({ role: "listener", sessionId, token: join.listenerToken })}`;
          const socket = await openSocket(url, timeoutMs);
          sockets.push(socket);
          feeds.push(
            await followCaptions(
              config.events,
              join.listenerToken,
              captionChannel(sessionId, language),
              socket,
              timeoutMs,
            ),
          );
          // Subscribed: the replay covers anything published before (as the page does).
          socket.socket.send(JSON.stringify({ action: "hello", lastSeq: -1 }));
          return { language, socket };
        }),
      ),
    );
    await step("the console counts both listeners", () =>
      consoleSocket.until(
        "listener counts of both languages at the console",
        () => consoleSocket.of("listener-counts").find((c) => languages.every((l) => (c.byLanguage[l] ?? 0) >= 1)),
        timeoutMs,
      ),
    );

    await step(`send ${count} segments`, async () => {
      for (let seq = 0; seq < count; seq++) {
        const now = Date.now();
        consoleSocket.socket.send(
          JSON.stringify({
            action: "segment",
            seq,
            text: SENTENCES[seq % SENTENCES.length],
            startTime: seq * 3,
            endTime: seq * 3 + 2.5,
            stages: { spokenEndAt: now, committedAt: now, sentAt: now },
          }),
        );
      }
    });
    const captions: Record<string, number[]> = {};
    for (const { language, socket } of listeners) {
      captions[language] = await step(`${language} captions arrive once each, in order`, async () => {
        await socket.until(
          `${count} ${language} captions`,
          () => (socket.of("caption").filter((c) => c.language === language).length >= count ? true : undefined),
          timeoutMs,
        );
        // A moment for any duplicate still on its way to show itself.
        await new Promise((r) => setTimeout(r, 300));
        return checkCaptionOrder(language, socket.of("caption"), count);
      });
    }
    const translated = await step("translated text reaches the console", () =>
      consoleSocket.until(
        "every segment's translation at the console",
        () => {
          const progress = consoleSocket.of("segment-progress").filter((p) => p.text !== undefined);
          const complete = languages.every(
            (l) => new Set(progress.filter((p) => p.language === l).map((p) => p.segmentSeq)).size >= count,
          );
          return complete ? (progress.find((p) => p.language === languages[0]) as SegmentProgressMessage) : undefined;
        },
        timeoutMs,
      ),
    );
    await step(`the console synthesizes ${languages[0]} speech`, async () => {
      const credentials = await presenter.credentials();
      // The backend's Polly client: plain HTTP/1.1 (the SDK's default HTTP/2 handler is for speech streams).
      const polly = createPollyClient({
        region: config.region,
        credentials,
        ...(config.endpoints?.polly ? { endpoint: config.endpoints.polly } : {}),
      });
      const voice = LANGUAGES.get(languages[0])?.polly;
      if (!voice) throw new Error(`smoke: ${languages[0]} has no Polly voice in the language table`);
      try {
        const out = await polly.send(
          new SynthesizeSpeechCommand({
            Text: translated.text ?? "",
            OutputFormat: "pcm",
            SampleRate: "16000",
            VoiceId: voice.voiceId as never,
            Engine: voice.engine,
          }),
        );
        const audio = await out.AudioStream?.transformToByteArray();
        if (!audio || audio.length === 0) throw new Error("smoke: Polly returned no audio");
      } finally {
        polly.destroy();
      }
    });
    await step("end the session; listeners are told", async () => {
      consoleSocket.socket.send(JSON.stringify({ action: "end" }));
      await Promise.all(
        listeners.map(({ language, socket }) =>
          socket.until(
            `the end notice at the ${language} listener`,
            () => socket.of("session-status").find((s) => s.status === "ended"),
            timeoutMs,
          ),
        ),
      );
    });
    await step("the session reads as ended", async () => {
      const view = SessionOwnerView.parse(
        await callApi(`${config.apiUrl}/sessions/${sessionId}`, { method: "GET", token: presenter.token }),
      );
      if (view.status !== "ended") throw new Error(`smoke: session ${sessionId} is ${view.status} after its end`);
    });
    return { steps, sessionId, captions };
  } finally {
    for (const f of feeds) f.close();
    for (const s of sockets) s.close();
  }
}

/** Embedded mode: the owner token proves the presenter; it is traded for the console's credentials. */
export function ownerTokenIdentity(config: ConfigDocument, token: string): PresenterIdentity {
  return {
    token,
    async credentials() {
      const url = config.endpoints?.credentials ?? `${new URL(config.apiUrl).origin}${PATHS.credentials}`;
      const body = (await callApi(url, { method: "POST", token })) as {
        accessKeyId: string;
        secretAccessKey: string;
        sessionToken: string;
        expiration?: string;
      };
      // JSON carries the expiry as a string; the SDK compares a Date.
      const { accessKeyId, secretAccessKey, sessionToken, expiration } = body;
      return {
        accessKeyId,
        secretAccessKey,
        sessionToken,
        ...(expiration ? { expiration: new Date(expiration) } : {}),
      };
    },
  };
}
