/**
 * A presigned signaling URL (`SignalingGrant.signedUrl`) connects only until `expiresAt`;
 * one this close to it is renewed before use. The margin covers the join or refresh round
 * trip, the WebSocket handshake and a device clock that is somewhat off.
 * KVS refuses an expired one with 403 (https://docs.aws.amazon.com/kinesisvideostreams-webrtc-dg/latest/devguide/ConnectAsViewer.html).
 */
export const GRANT_REFRESH_MARGIN_MS = 30_000;

/** True when a grant expiring at `expiresAt` (epoch ms) is still worth connecting with at `now`. */
export function grantIsFresh(expiresAt: number, now: number): boolean {
  return expiresAt - now > GRANT_REFRESH_MARGIN_MS;
}
