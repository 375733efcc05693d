import { randomUUID } from "node:crypto";
import { type ServerResponse, STATUS_CODES } from "node:http";
import type { Duplex } from "node:stream";

/**
 * How the embedded AWS endpoints answer, as the SDKs parse it: every answer carries a request id
 * (`x-amzn-RequestId`), every error its type in `x-amzn-ErrorType`, and the JSON protocols also in
 * the body's `__type`
 * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-json-api-responses.html).
 */

/** An AWS error: the type name the SDK raises as an exception class, its HTTP status and message. */
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

/** A service's wire protocol, as far as its JSON answers differ. */
export interface AwsProtocol {
  readonly contentType: string;
  /** The JSON protocols (1.0, 1.1) name the error type in the body too; rest-json only in the header. */
  readonly typeInBody: boolean;
  /** Prefix of the body's `__type` (DynamoDB's `com.amazonaws.dynamodb.v20120810#`). */
  readonly typeNamespace?: string;
}

export const AWS_JSON_1_1: AwsProtocol = { contentType: "application/x-amz-json-1.1", typeInBody: true };
export const REST_JSON: AwsProtocol = { contentType: "application/json", typeInBody: false };
export const DYNAMODB_JSON: AwsProtocol = {
  contentType: "application/x-amz-json-1.0",
  typeInBody: true,
  typeNamespace: "com.amazonaws.dynamodb.v20120810#",
};

/** A fresh request id header, for answers written by hand (audio, upgrades). */
export function requestIdHeader(): { "x-amzn-RequestId": string } {
  return { "x-amzn-RequestId": randomUUID() };
}

function errorBody(err: AwsServiceError, protocol: AwsProtocol): string {
  const type = protocol.typeInBody ? { __type: `${protocol.typeNamespace ?? ""}${err.type}` } : {};
  return JSON.stringify({ ...type, message: err.message });
}

/** Answers an error so the SDK raises `err.type` as its exception class. */
export function sendAwsError(
  res: ServerResponse,
  err: AwsServiceError,
  protocol: AwsProtocol,
  headers: Record<string, string> = {},
): void {
  const body = errorBody(err, protocol);
  res.writeHead(err.status, {
    ...headers,
    "content-type": protocol.contentType,
    "content-length": Buffer.byteLength(body),
    "x-amzn-ErrorType": err.type,
    ...requestIdHeader(),
  });
  res.end(body);
}

/** Answers an operation's output (200). */
export function sendAwsJson(
  res: ServerResponse,
  output: unknown,
  protocol: AwsProtocol,
  headers: Record<string, string> = {},
): void {
  const body = JSON.stringify(output);
  res.writeHead(200, {
    ...headers,
    "content-type": protocol.contentType,
    "content-length": Buffer.byteLength(body),
    ...requestIdHeader(),
  });
  res.end(body);
}

/** Refuses a WebSocket upgrade with an HTTP error in the service's shape, and closes the socket. */
export function refuseAwsUpgrade(socket: Duplex, err: AwsServiceError, protocol: AwsProtocol): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const body = errorBody(err, protocol);
  const head = {
    Connection: "close",
    "Content-Type": protocol.contentType,
    "Content-Length": String(Buffer.byteLength(body)),
    "x-amzn-ErrorType": err.type,
    ...requestIdHeader(),
  };
  const lines = Object.entries(head).map(([name, value]) => `${name}: ${value}\r\n`);
  socket.end(`HTTP/1.1 ${err.status} ${STATUS_CODES[err.status] ?? "Error"}\r\n${lines.join("")}\r\n${body}`);
}
