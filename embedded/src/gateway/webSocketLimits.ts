import { z } from "zod";

/** Where API Gateway documents what the embedded WebSocket gateway enforces. */
export const API_GATEWAY_WEBSOCKET_DOCS = {
  quotas:
    "https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-execution-service-websocket-limits-table.html",
  binaryFrames:
    "https://docs.aws.amazon.com/apigateway/latest/developerguide/websocket-api-develop-binary-media-types.html",
  postToConnection:
    "https://docs.aws.amazon.com/botocore/latest/reference/services/apigatewaymanagementapi/client/exceptions/PayloadTooLargeException.html",
} as const;

/** WebSocket close codes (RFC 6455 §7.4.1) the gateway closes with. */
export const CLOSE_CODES = {
  /** API Gateway: "rejects it and disconnects the client with code 1003" (binary frames). */
  unsupportedData: 1003,
  /** API Gateway: "If a larger message (or larger frame size) is received, the connection is closed with code 1009." */
  messageTooBig: 1009,
  /** Idle and maximum-duration closes: API Gateway documents no code; 1001 (going away) says "reconnect". */
  goingAway: 1001,
} as const;

/**
 * API Gateway WebSocket quotas (none can be raised), in bytes and milliseconds. The sizes count
 * payload bytes. The quota table says "KB" without saying 1000 or 1024: the smaller reading
 * is enforced, so nothing passes here that AWS might refuse.
 */
export const WEBSOCKET_LIMITS = {
  frameBytes: 32_000,
  messageBytes: 128_000,
  postToConnectionBytes: 128_000,
  idleTimeoutMs: 10 * 60_000,
  maxConnectionMs: 2 * 60 * 60_000,
} as const;

/** One row of the limits table in `docs/embedded-fidelity.md`. */
export interface WebSocketLimitRow {
  readonly quota: string;
  readonly value: string;
  readonly whenExceeded: string;
  readonly source: keyof typeof API_GATEWAY_WEBSOCKET_DOCS;
}

const kb = (bytes: number) => `${bytes / 1000} KB (${bytes.toLocaleString("en-US")} bytes)`;
const duration = (ms: number) => (ms % 3_600_000 === 0 ? `${ms / 3_600_000} hours` : `${ms / 60_000} min`);

/** The table the docs show, built from the same numbers the gateway enforces. */
export const WEBSOCKET_LIMIT_ROWS: readonly WebSocketLimitRow[] = [
  {
    quota: "Incoming binary frame",
    value: "refused",
    whenExceeded: `connection closed with ${CLOSE_CODES.unsupportedData}`,
    source: "binaryFrames",
  },
  {
    quota: "WebSocket frame size (client to server)",
    value: kb(WEBSOCKET_LIMITS.frameBytes),
    whenExceeded: `connection closed with ${CLOSE_CODES.messageTooBig}`,
    source: "quotas",
  },
  {
    quota: "Message payload size (client to server, all frames of a message)",
    value: kb(WEBSOCKET_LIMITS.messageBytes),
    whenExceeded: `connection closed with ${CLOSE_CODES.messageTooBig}`,
    source: "quotas",
  },
  {
    quota: "PostToConnection data",
    value: kb(WEBSOCKET_LIMITS.postToConnectionBytes),
    whenExceeded: "HTTP 413 `PayloadTooLargeException`, nothing sent",
    source: "postToConnection",
  },
  {
    quota: "PostToConnection delivery",
    value: `text frames of at most ${kb(WEBSOCKET_LIMITS.frameBytes)}`,
    whenExceeded: "longer data is split into continuation frames of one text message",
    source: "quotas",
  },
  {
    quota: "Idle connection timeout (no message either way)",
    value: duration(WEBSOCKET_LIMITS.idleTimeoutMs),
    whenExceeded: `connection closed with ${CLOSE_CODES.goingAway}, \`$disconnect\` runs`,
    source: "quotas",
  },
  {
    quota: "Connection duration",
    value: duration(WEBSOCKET_LIMITS.maxConnectionMs),
    whenExceeded: `connection closed with ${CLOSE_CODES.goingAway}, \`$disconnect\` runs`,
    source: "quotas",
  },
];

/** The limits table as Markdown, exactly as `docs/embedded-fidelity.md` must contain it. */
export function webSocketLimitsMarkdown(): string {
  const lines = [
    "| API Gateway WebSocket quota | value | when exceeded | source |",
    "|---|---|---|---|",
    ...WEBSOCKET_LIMIT_ROWS.map(
      (r) => `| ${r.quota} | ${r.value} | ${r.whenExceeded} | [AWS docs](${API_GATEWAY_WEBSOCKET_DOCS[r.source]}) |`,
    ),
  ];
  return lines.join("\n");
}

/** Section of `D/embedded.json` for the WebSocket gateway's timeouts. */
export const WEBSOCKET_SETTINGS_SECTION = "webSocket";

/** Tests shorten the timeouts; nothing may lengthen them past API Gateway's. */
export const WebSocketTimeoutSettings = z.object({
  idleTimeoutMs: z.number().int().min(50).max(WEBSOCKET_LIMITS.idleTimeoutMs).default(WEBSOCKET_LIMITS.idleTimeoutMs),
  maxConnectionMs: z
    .number()
    .int()
    .min(50)
    .max(WEBSOCKET_LIMITS.maxConnectionMs)
    .default(WEBSOCKET_LIMITS.maxConnectionMs),
});
export type WebSocketTimeoutSettings = z.infer<typeof WebSocketTimeoutSettings>;
