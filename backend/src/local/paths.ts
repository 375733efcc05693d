/**
 * Where each part of the embedded server answers, as path prefixes of its one port.
 * One port keeps LAN exposure to a single firewall rule; each AWS-compatible service gets
 * its own prefix so an SDK client is pointed at it with `endpoint` alone.
 */
export const PATHS = {
  config: "/config.json",
  health: "/healthz",
  api: "/api",
  webSocket: "/ws",
  console: "/console/",
  listener: "/s/",
  kinesisvideo: "/aws/kinesisvideo",
  kinesisvideoSignaling: "/aws/kinesisvideo-signaling",
  signalingMaster: "/aws/kvs-signaling/master",
  signalingViewer: "/aws/kvs-signaling/viewer",
  transcribe: "/aws/transcribe",
  /** Owner-only: temporary credentials for the console's own AWS calls (Transcribe streaming). */
  credentials: "/aws/credentials",
  translate: "/aws/translate",
  polly: "/aws/polly",
  dynamodb: "/aws/dynamodb",
  apigatewaymanagementapi: "/aws/apigateway",
} as const;

/** True when `pathname` is `prefix` itself or lies under it. */
export function underPrefix(pathname: string, prefix: string): boolean {
  const bare = prefix.endsWith("/") ? prefix.slice(0, -1) : prefix;
  return pathname === bare || pathname.startsWith(`${bare}/`);
}
