import type { ServerResponse } from "node:http";

/** AWS's error types for KVS, with the HTTP status the SDKs' models expect for each. */
export const KVS_ERROR_STATUS = {
  InvalidArgumentException: 400,
  ClientLimitExceededException: 400,
  AccountChannelLimitExceededException: 400,
  ResourceInUseException: 400,
  VersionMismatchException: 400,
  TagsPerResourceExceededLimitException: 400,
  SerializationException: 400,
  AccessDeniedException: 401,
  NotAuthorizedException: 401,
  ResourceNotFoundException: 404,
  UnknownOperationException: 404,
  InternalFailure: 500,
} as const;
export type KvsErrorType = keyof typeof KVS_ERROR_STATUS;

/** An error the emulator answers as AWS would: its type name, status and message. */
export class KvsError extends Error {
  readonly status: number;
  constructor(
    readonly type: KvsErrorType,
    message: string,
  ) {
    super(message);
    this.name = type;
    this.status = KVS_ERROR_STATUS[type];
  }
}

/** Writes a rest-json error the way AWS does, so the SDK raises the exception class by name. */
export function sendAwsError(res: ServerResponse, status: number, type: string, message: string): void {
  const body = JSON.stringify({ message });
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(body),
    "x-amzn-errortype": type,
    "x-amzn-requestid": crypto.randomUUID(),
  });
  res.end(body);
}

export function sendAwsJson(res: ServerResponse, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(200, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
    "x-amzn-requestid": crypto.randomUUID(),
  });
  res.end(text);
}
