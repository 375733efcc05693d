import type { IncomingMessage, ServerResponse } from "node:http";
import type { SigV4Verifier } from "../auth/sigv4Verifier.js";
import type { FaultSwitch } from "../faults.js";

/**
 * What the engine-backed AWS endpoints (Translate, Polly) share: reading the body, SigV4,
 * the fault switch, and answering errors the way the SDK parses them.
 */

/** An AWS error: the type name the SDK raises as an exception class, and its status. */
export class AwsServiceError extends Error {
  constructor(
    readonly type: string,
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = type;
  }
}

export function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > maxBytes) {
        reject(new AwsServiceError("ValidationException", 400, `The request body is larger than ${maxBytes} bytes.`));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

export function splitUrl(url: string | undefined): { path: string; rawQuery: string } {
  const raw = url ?? "/";
  const q = raw.indexOf("?");
  return q < 0 ? { path: raw, rawQuery: "" } : { path: raw.slice(0, q), rawQuery: raw.slice(q + 1) };
}

/** Writes an error both ways the SDK reads it: `x-amzn-errortype` and the body's `__type`. */
export function sendAwsError(res: ServerResponse, err: AwsServiceError, contentType: string): void {
  const body = JSON.stringify({ __type: err.type, message: err.message });
  res.writeHead(err.status, {
    "content-type": contentType,
    "content-length": Buffer.byteLength(body),
    "x-amzn-errortype": err.type,
    "x-amzn-requestid": crypto.randomUUID(),
  });
  res.end(body);
}

export interface GateOptions {
  readonly verifier: SigV4Verifier;
  readonly faults: FaultSwitch;
  readonly maxBodyBytes: number;
  /** The service's own throttling error, e.g. Translate's `TooManyRequestsException`. */
  readonly throttleError: () => AwsServiceError;
  readonly internalError: () => AwsServiceError;
}

/**
 * Reads and authenticates a request, then applies the fault switch. Returns the body, or
 * undefined when the connection was dropped on purpose. Throws AwsServiceError otherwise.
 */
export async function passGate(req: IncomingMessage, options: GateOptions): Promise<Buffer | undefined> {
  const body = await readBody(req, options.maxBodyBytes);
  const { path, rawQuery } = splitUrl(req.url);
  const verdict = await options.verifier.verifyHeader({
    method: req.method ?? "GET",
    path,
    rawQuery,
    headers: req.headers,
    body,
  });
  if (!verdict.ok) throw new AwsServiceError(verdict.code, verdict.status, verdict.message);
  const fault = options.faults.decide();
  await options.faults.delay();
  if (fault === "drop") {
    req.socket.destroy();
    return undefined;
  }
  if (fault === "throttle") throw options.throttleError();
  if (fault === "error") throw options.internalError();
  return body;
}

/** A JSON request body that must be an object, as both protocols send it. */
export function parseJsonObject(body: Buffer): Record<string, unknown> {
  let input: unknown;
  try {
    input = body.length > 0 ? JSON.parse(body.toString("utf8")) : {};
  } catch {
    throw new AwsServiceError("SerializationException", 400, "The request body is not valid JSON.");
  }
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    throw new AwsServiceError("SerializationException", 400, "The request body must be a JSON object.");
  }
  return input as Record<string, unknown>;
}

export interface AnswerOptions extends GateOptions {
  readonly contentType: string;
  /** Names the service in its log and in the message of an unexpected failure. */
  readonly service: string;
  readonly log: { error(message: string, fields?: Record<string, unknown>): void };
}

/** Runs one request through the gate and `handle`, answering any failure as AWS would. */
export async function answerAwsRequest(
  req: IncomingMessage,
  res: ServerResponse,
  options: AnswerOptions,
  handle: (body: Buffer) => Promise<void>,
): Promise<void> {
  try {
    const body = await passGate(req, options);
    if (body) await handle(body);
  } catch (err) {
    if (res.headersSent) return;
    if (err instanceof AwsServiceError) {
      sendAwsError(res, err, options.contentType);
      return;
    }
    options.log.error(`${options.service} request failed`, { error: String(err) });
    sendAwsError(
      res,
      new AwsServiceError(
        options.internalError().type,
        500,
        `The ${options.service} emulator failed on this request; see its log.`,
      ),
      options.contentType,
    );
  }
}
