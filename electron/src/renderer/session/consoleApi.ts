import {
  ApiError,
  type ClaimHandOffRequest,
  ClaimHandOffResponse,
  type ConfigDocument,
  type CreateHandOffRequest,
  type CreateSessionRequest,
  HandOffResponse,
  InterpreterInvite,
  LanguagesResponse,
  RecordingList,
  RecordingUploadGrant,
  type RecordingUploadRequest,
  SessionOwnerView,
  SessionReport,
  SignalingGrant,
  type TranscriptFormat,
  type UpdateSessionRequest,
  type WaitingHandOff,
  WaitingHandOffsResponse,
} from "@babelcast/protocol";
import { z } from "zod";

/** An HTTP API answer the console cannot use, with a message that says what to do. */
export class ConsoleApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Turns an HTTP failure into a sentence for the presenter. Pure. */
export function explainApiFailure(status: number, code: string, message: string, apiUrl: string): string {
  if (status === 0)
    return `Cannot reach the Babelcast server at ${new URL(apiUrl).host}. Check that it is running (npm start) and that this computer is on the same network, then retry.`;
  if (status === 401 || status === 403)
    return `The server refused the sign-in (${message}). Open the console from the link \`npm start\` printed, or sign in again.`;
  if (status === 429) return `The server is busy (${message}). Wait a few seconds and retry.`;
  if (status >= 500)
    return `The server failed (${code}: ${message}). Retry; if it keeps failing, check the server's log.`;
  return message;
}

const SessionList = z.object({ sessions: z.array(SessionOwnerView) });
const ChannelList = z.object({ channels: z.array(SignalingGrant) });

export type TokenSource = () => Promise<string> | string;

/** The owner's side of the HTTP API, validated at the boundary. */
export class ConsoleApi {
  constructor(
    readonly config: ConfigDocument,
    private readonly token: TokenSource,
    private readonly fetchImpl: typeof fetch = (...a) => fetch(...a),
  ) {}

  private async request<T>(path: string, init: RequestInit, schema: z.ZodType<T>): Promise<T> {
    const url = `${this.config.apiUrl}${path}`;
    let res: Response;
    try {
      res = await this.fetchImpl(url, {
        cache: "no-store",
        ...init,
        headers: {
          authorization: `Bearer ${await this.token()}`,
          ...(init.body ? { "content-type": "application/json" } : {}),
          ...init.headers,
        },
      });
    } catch (err) {
      throw new ConsoleApiError(
        0,
        "NetworkError",
        explainApiFailure(0, "NetworkError", String(err), this.config.apiUrl),
      );
    }
    const body: unknown = await res.json().catch(() => undefined);
    if (!res.ok) {
      const parsed = ApiError.safeParse(body);
      const code = parsed.success ? parsed.data.error.code : "HttpError";
      const message = parsed.success ? parsed.data.error.message : `HTTP ${res.status}`;
      throw new ConsoleApiError(res.status, code, explainApiFailure(res.status, code, message, this.config.apiUrl));
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success)
      throw new ConsoleApiError(res.status, "BadResponse", `unexpected answer from ${url}: ${parsed.error.message}`);
    return parsed.data;
  }

  /** What the server's engines can do with each language from `source` (speech, captions only, not available). */
  languages(source: string): Promise<LanguagesResponse> {
    return this.request(`/languages?source=${encodeURIComponent(source)}`, {}, LanguagesResponse);
  }

  createSession(request: CreateSessionRequest): Promise<SessionOwnerView> {
    return this.request("/sessions", { method: "POST", body: JSON.stringify(request) }, SessionOwnerView);
  }

  async listSessions(): Promise<SessionOwnerView[]> {
    return (await this.request("/sessions", {}, SessionList)).sessions;
  }

  getSession(id: string): Promise<SessionOwnerView> {
    return this.request(`/sessions/${encodeURIComponent(id)}`, {}, SessionOwnerView);
  }

  updateSession(id: string, update: UpdateSessionRequest): Promise<SessionOwnerView> {
    return this.request(
      `/sessions/${encodeURIComponent(id)}`,
      { method: "PATCH", body: JSON.stringify(update) },
      SessionOwnerView,
    );
  }

  endSession(id: string): Promise<SessionOwnerView> {
    return this.request(`/sessions/${encodeURIComponent(id)}`, { method: "DELETE" }, SessionOwnerView);
  }

  async channels(id: string): Promise<SignalingGrant[]> {
    return (await this.request(`/sessions/${encodeURIComponent(id)}/channels`, {}, ChannelList)).channels;
  }

  /** The session's report so far: listeners over time, latency per stage, losses. */
  report(id: string): Promise<SessionReport> {
    return this.request(`/sessions/${encodeURIComponent(id)}/report`, {}, SessionReport);
  }

  /** The session's uploaded recordings (and whether this deployment takes uploads at all). */
  recordings(id: string): Promise<RecordingList> {
    return this.request(`/sessions/${encodeURIComponent(id)}/recordings`, {}, RecordingList);
  }

  /** A presigned PUT for one recording; a 409 RecordingUploadsOff where the deployment has no bucket. */
  createRecordingUpload(id: string, request: RecordingUploadRequest): Promise<RecordingUploadGrant> {
    return this.request(
      `/sessions/${encodeURIComponent(id)}/recordings`,
      { method: "POST", body: JSON.stringify(request) },
      RecordingUploadGrant,
    );
  }

  /** A one-time code another signed-in console takes the session over with. */
  createHandOff(id: string, request: CreateHandOffRequest = {}): Promise<HandOffResponse> {
    return this.request(
      `/sessions/${encodeURIComponent(id)}/handoffs`,
      { method: "POST", body: JSON.stringify(request) },
      HandOffResponse,
    );
  }

  /**
   * Takes the session over with a hand-off link's code, or a listed hand-off's id: it becomes
   * this presenter's, this console its media hub.
   */
  claimHandOff(id: string, claim: ClaimHandOffRequest): Promise<ClaimHandOffResponse> {
    return this.request(
      `/sessions/${encodeURIComponent(id)}/handoffs/claim`,
      { method: "POST", body: JSON.stringify(claim) },
      ClaimHandOffResponse,
    );
  }

  /** Hand-offs other presenters addressed to this presenter's e-mail, still open. */
  async waitingHandOffs(): Promise<WaitingHandOff[]> {
    return (await this.request("/handoffs", {}, WaitingHandOffsResponse)).handOffs;
  }

  /** A one-time link for an interpreter of `language`. */
  inviteInterpreter(id: string, language: string): Promise<InterpreterInvite> {
    return this.request(
      `/sessions/${encodeURIComponent(id)}/interpreters`,
      { method: "POST", body: JSON.stringify({ language }) },
      InterpreterInvite,
    );
  }

  /** The transcript file as the server renders it. */
  async transcript(id: string, language: string, format: TranscriptFormat): Promise<Blob> {
    const url = `${this.config.apiUrl}/sessions/${encodeURIComponent(id)}/transcript?lang=${encodeURIComponent(language)}&format=${format}`;
    let res: Response;
    try {
      res = await this.fetchImpl(url, {
        headers: { authorization: `Bearer ${await this.token()}` },
        cache: "no-store",
      });
    } catch (err) {
      throw new ConsoleApiError(
        0,
        "NetworkError",
        explainApiFailure(0, "NetworkError", String(err), this.config.apiUrl),
      );
    }
    if (!res.ok) {
      const body = ApiError.safeParse(await res.json().catch(() => undefined));
      const message = body.success ? body.data.error.message : `HTTP ${res.status}`;
      throw new ConsoleApiError(
        res.status,
        "Transcript",
        explainApiFailure(res.status, "Transcript", message, this.config.apiUrl),
      );
    }
    return res.blob();
  }
}

/** A running session worth reopening after a restart: the newest one not ended. */
export function sessionToReopen(sessions: readonly SessionOwnerView[]): SessionOwnerView | undefined {
  return [...sessions].filter((s) => s.status !== "ended").sort((a, b) => b.createdAt - a.createdAt)[0];
}
