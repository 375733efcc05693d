import type { ConfigDocument, EventApiEndpoints } from "@babelcast/protocol";

export interface CloudConfigValues {
  readonly region: string;
  readonly apiUrl: string;
  readonly webSocketUrl: string;
  readonly listenerUrl: string;
  readonly userPoolId: string;
  readonly userPoolClientId: string;
  readonly identityPoolId: string;
  /** The caption Event API: `https://<http-domain>/event` and `wss://<realtime-domain>/event/realtime`. */
  readonly events: EventApiEndpoints;
}

/** The `config.json` of a cloud deployment: what the console imports and the listener page reads. */
export function cloudConfigDocument(values: CloudConfigValues): ConfigDocument {
  return {
    version: 1,
    mode: "aws",
    region: values.region,
    apiUrl: values.apiUrl,
    webSocketUrl: values.webSocketUrl,
    listenerUrl: values.listenerUrl,
    events: { httpUrl: values.events.httpUrl, realtimeUrl: values.events.realtimeUrl },
    auth: {
      kind: "cognito",
      userPoolId: values.userPoolId,
      userPoolClientId: values.userPoolClientId,
      identityPoolId: values.identityPoolId,
    },
  };
}
