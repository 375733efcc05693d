// Relative imports: Playwright maps .js to .ts for relative paths, not through package exports.

import { signalingEndpoints } from "@babelcast/embedded/kvs/kvsService.js";
import { presignSignalingUrl, type SignalingCredentials } from "../../backend/src/aws/signalingPresigner.js";

/** Presigns master and viewer URLs for one channel of the embedded server at `baseUrl`, as the sessions backend does. */
export function channelPresigner(
  baseUrl: string,
  channelArn: string,
  credentials: SignalingCredentials,
  region: string,
) {
  const endpoints = signalingEndpoints(baseUrl);
  return {
    endpoints,
    presign: (role: "MASTER" | "VIEWER", clientId?: string) =>
      presignSignalingUrl({
        endpoint: role === "MASTER" ? endpoints.wssMaster : endpoints.wssViewer,
        channelArn,
        role,
        ...(clientId ? { clientId } : {}),
        credentials,
        region,
        expiresSeconds: 299,
      }),
  };
}

/**
 * Grants for one channel of the embedded server, as the backend hands them out (signed with the
 * data dir's account key): `grants(role, clientId?)`. No ICE servers: loopback host candidates
 * connect every peer here.
 */
export function channelGrants(baseUrl: string, channelArn: string, credentials: SignalingCredentials, region: string) {
  const { endpoints, presign } = channelPresigner(baseUrl, channelArn, credentials, region);
  return async (role: "MASTER" | "VIEWER", clientId?: string) => ({
    channelArn,
    channelEndpoint: role === "MASTER" ? endpoints.wssMaster : endpoints.wssViewer,
    signedUrl: await presign(role, clientId),
    region,
    role,
    ...(clientId ? { clientId } : {}),
    iceServers: [],
    // presign above signs for 299 s.
    expiresAt: Date.now() + 299_000,
  });
}
