import { randomUUID } from "node:crypto";
import type { ServerResponse } from "node:http";

/**
 * S3's errors, answered as S3 answers them: an XML `<Error>` body with a `Code` the SDK raises
 * and the HTTP status of that code
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html#ErrorCodeList).
 */
export class S3Error extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    readonly resource?: string,
  ) {
    super(message);
    this.name = code;
  }
}

export const accessDenied = (message = "Access Denied") => new S3Error("AccessDenied", 403, message);
export const signatureDoesNotMatch = () =>
  new S3Error(
    "SignatureDoesNotMatch",
    403,
    "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
  );
export const requestExpired = () => new S3Error("AccessDenied", 403, "Request has expired");

function xmlEscape(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function sendS3Error(res: ServerResponse, err: S3Error, headOnly = false): void {
  const requestId = randomUUID();
  const body =
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${err.code}</Code><Message>${xmlEscape(err.message)}</Message>` +
    (err.resource ? `<Resource>${xmlEscape(err.resource)}</Resource>` : "") +
    `<RequestId>${requestId}</RequestId></Error>`;
  res.writeHead(err.status, {
    "content-type": "application/xml",
    "x-amz-request-id": requestId,
    "content-length": headOnly ? "0" : String(Buffer.byteLength(body)),
  });
  res.end(headOnly ? undefined : body);
}

export function xmlText(text: string): string {
  return xmlEscape(text);
}
