import {
  ChannelsResponse,
  ConfigDocument,
  type ConsoleMessage,
  type CreateSessionRequest,
  SessionOwnerView,
  type SignalingGrant,
} from "@babelcast/protocol";
import WebSocket from "ws";
import type { ServedEmbedded } from "./embeddedServer.js";
import { ownerTokenOf } from "./transcribeHarness.js";

/** The owner side of a real session on the embedded server, as the console would drive it. */
export interface LiveSession {
  readonly id: string;
  readonly config: ConfigDocument;
  masterGrants(): Promise<SignalingGrant[]>;
  /** Sends a console message over the WebSocket API (status, segment, partial, end). */
  send(message: ConsoleMessage): Promise<void>;
  close(): Promise<void>;
}

async function configOf(server: ServedEmbedded): Promise<ConfigDocument> {
  return ConfigDocument.parse(await (await fetch(`${server.ready.url}/config.json`)).json());
}

/**
 * Why the real-session tests cannot run yet, or undefined when the sessions API and the
 * WebSocket API answer on this server.
 */
export async function liveSessionsMissing(server: ServedEmbedded): Promise<string | undefined> {
  const config = await configOf(server);
  const res = await fetch(`${config.apiUrl}/sessions`, {
    headers: { authorization: `Bearer ${ownerTokenOf(server.ready.consoleUrl)}` },
  });
  if (res.status === 404) return `the sessions API is not served yet (GET ${config.apiUrl}/sessions answers 404)`;
  return undefined;
}

/** Creates a session with the owner token, connects as its console and marks it live. */
export async function startLiveSession(
  server: ServedEmbedded,
  request: Partial<CreateSessionRequest> = {},
): Promise<LiveSession> {
  const config = await configOf(server);
  const token = ownerTokenOf(server.ready.consoleUrl);
  const auth = { authorization: `Bearer ${token}` };
  const res = await fetch(`${config.apiUrl}/sessions`, {
    method: "POST",
    headers: { ...auth, "content-type": "application/json" },
    body: JSON.stringify({ title: "Listener e2e talk", sourceLanguage: "en", targetLanguages: ["es"], ...request }),
  });
  if (res.status !== 201) throw new Error(`create session answered ${res.status}: ${await res.text()}`);
  const session = SessionOwnerView.parse(await res.json());
  const url = new URL(config.webSocketUrl);
  url.search = new URLSearchParams({ role: "console", sessionId: session.id, token }).toString();
  const socket = new WebSocket(url);
  await new Promise<void>((resolve, reject) => {
    socket.once("open", () => resolve());
    socket.once("error", reject);
    socket.once("unexpected-response", (_req, r) => reject(new Error(`console socket refused: ${r.statusCode}`)));
  });
  const send = (message: ConsoleMessage) =>
    new Promise<void>((resolve, reject) => socket.send(JSON.stringify(message), (e) => (e ? reject(e) : resolve())));
  await send({ action: "status", status: "live", muted: false });
  return {
    id: session.id,
    config,
    async masterGrants() {
      const r = await fetch(`${config.apiUrl}/sessions/${session.id}/channels`, { headers: auth });
      if (!r.ok) throw new Error(`channels answered ${r.status}: ${await r.text()}`);
      return ChannelsResponse.parse(await r.json()).channels;
    },
    send,
    close: async () => {
      socket.close();
    },
  };
}
