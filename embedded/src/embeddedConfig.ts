import type { ConfigDocument } from "@babelcast/protocol";
import { PATHS } from "@babelcast/protocol";
import type { UserPoolIdentity } from "./cognito/userPoolSettings.js";

/**
 * Builds the config document the embedded server serves, from the base URLs it listens on.
 * With the embedded user pool on, presenters sign in with Cognito there instead of the owner token.
 */
export function embeddedConfigDocument(url: string, region: string, userPool?: UserPoolIdentity): ConfigDocument {
  const ws = url.replace(/^http/, "ws");
  return {
    version: 1,
    mode: "embedded",
    region,
    apiUrl: `${url}${PATHS.api}`,
    webSocketUrl: `${ws}${PATHS.webSocket}`,
    listenerUrl: url,
    auth: userPool
      ? {
          kind: "cognito",
          userPoolId: userPool.userPoolId,
          userPoolClientId: userPool.clientId,
          identityPoolId: userPool.identityPoolId,
        }
      : { kind: "owner-token" },
    endpoints: {
      kinesisvideo: `${url}${PATHS.kinesisvideo}`,
      transcribe: `${url}${PATHS.transcribe}`,
      translate: `${url}${PATHS.translate}`,
      polly: `${url}${PATHS.polly}`,
      dynamodb: `${url}${PATHS.dynamodb}`,
      apigatewaymanagementapi: `${url}${PATHS.apigatewaymanagementapi}`,
      credentials: `${url}${PATHS.credentials}`,
      ...(userPool
        ? { cognitoIdp: `${url}${PATHS.cognitoIdp}`, cognitoIdentity: `${url}${PATHS.cognitoIdentity}` }
        : {}),
    },
  };
}
