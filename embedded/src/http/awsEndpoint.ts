import type { IncomingMessage, ServerResponse } from "node:http";
import type { PolicyResource } from "@babelcast/backend/permissions/permissionTable.js";
import type { CallerDirectory } from "../auth/callerDirectory.js";
import type { SigV4Verifier } from "../auth/sigv4Verifier.js";
import type { FaultSwitch } from "../faults.js";
import { type AwsProtocol, AwsServiceError, sendAwsError } from "./awsResponses.js";
import { readLimitedBody } from "./requestBody.js";
import { splitRequestTarget } from "./requestTarget.js";

/**
 * What the JSON-speaking AWS endpoints (Translate, Polly, Transcribe's vocabularies, KVS) share:
 * reading the body, SigV4, the fault switch, and answering errors the way the SDK parses them.
 */

export interface GateOptions {
  readonly verifier: SigV4Verifier;
  readonly faults: FaultSwitch;
  readonly maxBodyBytes: number;
  /** The service's own throttling error, e.g. Translate's `TooManyRequestsException`. */
  readonly throttleError: () => AwsServiceError;
  readonly internalError: () => AwsServiceError;
  /** The answer to a body past `maxBodyBytes`; by default a ValidationException (400). */
  readonly bodyTooLarge?: () => AwsServiceError;
}

/** The access key id each request was signed with, once `passGate` verified it. */
const verifiedCallers = new WeakMap<IncomingMessage, string>();

/**
 * AccessDeniedException as most services answer it: 400 (AWS Common Errors,
 * https://docs.aws.amazon.com/transcribe/latest/APIReference/CommonErrors.html).
 */
export const accessDenied = (message: string) => new AwsServiceError("AccessDeniedException", 400, message);

/**
 * Refuses (throws the service's AccessDenied) a call that the verified caller's cloud role
 * does not allow; the operation runs only after this, as AWS authorizes before it acts.
 */
export function requireAllowed(
  callers: CallerDirectory,
  req: IncomingMessage,
  call: { action: string; resource: PolicyResource | undefined; resourceName?: string },
  deny: (message: string) => AwsServiceError = accessDenied,
): void {
  const caller = verifiedCallers.get(req);
  if (caller === undefined) throw new Error("requireAllowed before the request's signature was verified");
  const decision = callers.authorize(caller, call.action, call.resource, call.resourceName);
  if (!decision.allowed) throw deny(decision.message);
}

/**
 * Reads and authenticates a request, then applies the fault switch. Returns the body, or
 * undefined when the connection was dropped on purpose. Throws AwsServiceError otherwise.
 */
export async function passGate(req: IncomingMessage, options: GateOptions): Promise<Buffer | undefined> {
  const body = await readLimitedBody(req, options.maxBodyBytes);
  if (body === undefined) {
    throw (
      options.bodyTooLarge?.() ??
      new AwsServiceError("ValidationException", 400, `The request body is larger than ${options.maxBodyBytes} bytes.`)
    );
  }
  const { path, rawQuery } = splitRequestTarget(req.url);
  const verdict = await options.verifier.verifyHeader({
    method: req.method ?? "GET",
    path,
    rawQuery,
    headers: req.headers,
    body,
  });
  if (!verdict.ok) throw new AwsServiceError(verdict.code, verdict.status, verdict.message);
  verifiedCallers.set(req, verdict.accessKeyId);
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
  readonly protocol: AwsProtocol;
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
      sendAwsError(res, err, options.protocol);
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
      options.protocol,
    );
  }
}
