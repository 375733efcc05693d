import { EventStreamCodec, type MessageHeaders } from "@smithy/eventstream-codec";
import type { TranscribeResult } from "./resultStabilizer.js";

/** AWS event-stream framing of the Transcribe streaming WebSocket, one frame per WebSocket message. */

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const codec = new EventStreamCodec(
  (bytes) => decoder.decode(bytes),
  (text) => encoder.encode(text),
);

export type TranscribeExceptionType =
  | "BadRequestException"
  | "LimitExceededException"
  | "InternalFailureException"
  | "ServiceUnavailableException";

export type UplinkFrame =
  | { readonly kind: "audio"; readonly pcm: Uint8Array }
  | { readonly kind: "end" }
  | { readonly kind: "ignored"; readonly reason: string };

const str = (value: string) => ({ type: "string", value }) as const;

export function encodeTranscriptEvent(results: readonly TranscribeResult[]): Uint8Array {
  const headers: MessageHeaders = {
    ":message-type": str("event"),
    ":event-type": str("TranscriptEvent"),
    ":content-type": str("application/json"),
  };
  return codec.encode({ headers, body: encoder.encode(JSON.stringify({ Transcript: { Results: results } })) });
}

export function encodeException(type: TranscribeExceptionType, message: string): Uint8Array {
  const headers: MessageHeaders = {
    ":message-type": str("exception"),
    ":exception-type": str(type),
    ":content-type": str("application/json"),
  };
  return codec.encode({ headers, body: encoder.encode(JSON.stringify({ Message: message })) });
}

/** Decodes one uplink message: an AudioEvent, the empty end-of-stream frame, or something to ignore. */
export function decodeUplink(bytes: Uint8Array): UplinkFrame {
  if (bytes.byteLength === 0) return { kind: "end" };
  const message = codec.decode(bytes);
  // The Node build wraps each event in a signed envelope (`:chunk-signature`); unwrap it.
  if (message.headers[":chunk-signature"]) {
    return message.body.byteLength === 0 ? { kind: "end" } : decodeUplink(message.body);
  }
  const eventType = message.headers[":event-type"]?.value;
  if (eventType !== "AudioEvent") return { kind: "ignored", reason: `event ${String(eventType)}` };
  return message.body.byteLength === 0 ? { kind: "end" } : { kind: "audio", pcm: message.body };
}
