import type { ConfigDocument } from "@babelcast/protocol";
import { PATHS } from "@babelcast/protocol";

/** Builds the config document the embedded server serves, from the base URLs it listens on. */
export function embeddedConfigDocument(url: string, region: string): ConfigDocument {
  const ws = url.replace(/^http/, "ws");
  return {
    version: 1,
    mode: "embedded",
    region,
    apiUrl: `${url}${PATHS.api}`,
    webSocketUrl: `${ws}${PATHS.webSocket}`,
    listenerUrl: url,
    auth: { kind: "owner-token" },
    endpoints: {
      kinesisvideo: `${url}${PATHS.kinesisvideo}`,
      transcribe: `${url}${PATHS.transcribe}`,
      translate: `${url}${PATHS.translate}`,
      polly: `${url}${PATHS.polly}`,
      dynamodb: `${url}${PATHS.dynamodb}`,
      apigatewaymanagementapi: `${url}${PATHS.apigatewaymanagementapi}`,
      credentials: `${url}${PATHS.credentials}`,
    },
  };
}
