import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { Sha256 } from "@aws-crypto/sha256-js";
import { type CaptionChannelEvent, EVENT_API_LIMITS, reconnectDelayMs } from "@babelcast/protocol";
import { HttpRequest } from "@smithy/protocol-http";
import { SignatureV4 } from "@smithy/signature-v4";
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@smithy/types";

/**
 * Publishing to the caption Event API (AWS AppSync Events) over HTTP: `POST <url>` with
 * `{"channel": "/captions/<session>/<language>", "events": ["<json>", …]}`, at most 5 events per
 * request, each a stringified JSON value
 * (https://docs.aws.amazon.com/appsync/latest/eventapi/publish-http.html), signed with SigV4
 * (service `appsync`) by the function's own credentials, which hold `appsync:EventPublish` on the
 * `captions` namespace (IAM authorization:
 * https://docs.aws.amazon.com/appsync/latest/eventapi/configure-event-api-auth.html). The service
 * answers `{"successful": [{identifier, index}], "failed": [{identifier?, index, code?, message?}]}`.
 */
export interface CaptionPublisher {
  /** Publishes the events to one channel, in order, in as many requests as the 5-event limit needs. */
  publish(channel: string, events: readonly CaptionChannelEvent[]): Promise<void>;
}

export interface HttpCaptionPublisherOptions {
  /** The Event API's HTTP publish URL (`https://<http-domain>/event`, or the embedded server's). */
  readonly url: string;
  readonly region: string;
  readonly credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  readonly sleep: (ms: number) => Promise<void>;
  readonly random: () => number;
  /** Attempts per request, the first included (default 4). */
  readonly maxAttempts?: number;
  /** Longest wait for one response before it counts as a transient failure (default 5 s). */
  readonly requestTimeoutMs?: number;
}

/** The Event API refused a publish for good (or kept failing): what it said, for the log. */
export class CaptionPublishError extends Error {
  override readonly name = "CaptionPublishError";
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

interface PublishResponse {
  readonly successful?: readonly { readonly identifier?: string; readonly index?: number }[];
  readonly failed?: readonly {
    readonly identifier?: string;
    readonly index?: number;
    readonly code?: string | number;
    readonly message?: string;
  }[];
}

interface RawResponse {
  readonly status: number;
  readonly body: string;
}

/** A transient failure worth another attempt: throttling (429), a server error, or the network. */
class Transient extends Error {}

function readBody(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on("data", (c: Buffer) => chunks.push(c));
    res.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    res.on("error", reject);
  });
}

/** What the service said in an error body (`{"errors": [{errorType, message}]}` or plain text). */
function describeError(body: string): string {
  try {
    const parsed = JSON.parse(body) as { errors?: { errorType?: string; message?: string }[]; message?: string };
    const first = parsed.errors?.[0];
    if (first) return [first.errorType, first.message].filter(Boolean).join(": ");
    if (parsed.message) return parsed.message;
  } catch {
    // not JSON: the text itself
  }
  return body.slice(0, 300) || "(no body)";
}

/** The HTTP publisher keeps its connections open between publishes; `close` drops them. */
export interface HttpCaptionPublisher extends CaptionPublisher {
  close(): void;
}

/**
 * A function without the "publishCaptions" capability has no CAPTION_EVENTS_URL (the stack sets
 * it only where the role may publish): a publish there is a wiring mistake, said plainly.
 */
export function unconfiguredCaptionPublisher(): HttpCaptionPublisher {
  return {
    async publish(channel) {
      throw new Error(
        `cannot publish to ${channel}: no caption Event API is configured; give this function the "publishCaptions" capability (backend/src/handlers/deployedFunctions.ts) so the stack sets CAPTION_EVENTS_URL`,
      );
    },
    close() {},
  };
}

export function httpCaptionPublisher(options: HttpCaptionPublisherOptions): HttpCaptionPublisher {
  const url = new URL(options.url);
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new Error(`CAPTION_EVENTS_URL ${options.url} must be an https:// (AWS) or http:// (embedded server) URL`);
  }
  const secure = url.protocol === "https:";
  const agent = secure ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true });
  const maxAttempts = options.maxAttempts ?? 4;
  const timeoutMs = options.requestTimeoutMs ?? 5000;
  const signer = new SignatureV4({
    credentials: options.credentials,
    region: options.region,
    service: "appsync",
    sha256: Sha256,
  });

  async function send(body: string): Promise<RawResponse> {
    const signed = await signer.sign(
      new HttpRequest({
        method: "POST",
        protocol: url.protocol,
        hostname: url.hostname,
        ...(url.port ? { port: Number(url.port) } : {}),
        path: url.pathname,
        headers: { host: url.host, "content-type": "application/json" },
        body,
      }),
    );
    return new Promise<RawResponse>((resolve, reject) => {
      const req = (secure ? httpsRequest : httpRequest)(
        {
          method: "POST",
          hostname: url.hostname,
          port: url.port || (secure ? 443 : 80),
          path: url.pathname,
          headers: { ...signed.headers, "content-length": String(Buffer.byteLength(body)) },
          agent,
        },
        (res) => {
          readBody(res).then((text) => resolve({ status: res.statusCode ?? 0, body: text }), reject);
        },
      );
      req.setTimeout(timeoutMs, () => req.destroy(new Transient(`no answer within ${timeoutMs} ms`)));
      req.on("error", (err) => reject(err instanceof Transient ? err : new Transient(String(err))));
      req.end(body);
    });
  }

  async function publishBatch(channel: string, events: readonly string[]): Promise<void> {
    const body = JSON.stringify({ channel, events });
    let lastProblem = "";
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      if (attempt > 1) await options.sleep(reconnectDelayMs(attempt - 2, options.random));
      let response: RawResponse;
      try {
        response = await send(body);
      } catch (err) {
        if (!(err instanceof Transient)) throw err;
        lastProblem = err.message;
        continue;
      }
      if (response.status === 429 || response.status >= 500) {
        lastProblem = `HTTP ${response.status}: ${describeError(response.body)}`;
        continue;
      }
      if (response.status < 200 || response.status >= 300) {
        throw new CaptionPublishError(
          `the caption Event API refused the publish to ${channel} (HTTP ${response.status}): ${describeError(response.body)}`,
          response.status,
        );
      }
      let parsed: PublishResponse;
      try {
        parsed = JSON.parse(response.body) as PublishResponse;
      } catch {
        throw new CaptionPublishError(`the caption Event API answered the publish to ${channel} with no JSON`);
      }
      const failed = parsed.failed ?? [];
      if (failed.length > 0) {
        const what = failed.map((f) => `event ${f.index ?? "?"}: ${[f.code, f.message].filter(Boolean).join(" ")}`);
        throw new CaptionPublishError(
          `the caption Event API did not take ${failed.length} of ${events.length} event(s) on ${channel}: ${what.join("; ")}`,
        );
      }
      return;
    }
    throw new CaptionPublishError(
      `the caption Event API kept failing the publish to ${channel} (${maxAttempts} attempts): ${lastProblem}`,
    );
  }

  return {
    async publish(channel, events) {
      const texts = events.map((e) => JSON.stringify(e));
      for (const [i, text] of texts.entries()) {
        const bytes = Buffer.byteLength(text);
        if (bytes > EVENT_API_LIMITS.maxEventBytes) {
          throw new CaptionPublishError(
            `event ${i} for ${channel} is ${bytes} bytes; the Event API takes at most ${EVENT_API_LIMITS.maxEventBytes}`,
          );
        }
      }
      for (let start = 0; start < texts.length; start += EVENT_API_LIMITS.maxEventsPerPublish) {
        await publishBatch(channel, texts.slice(start, start + EVENT_API_LIMITS.maxEventsPerPublish));
      }
    },
    close() {
      agent.destroy();
    },
  };
}
