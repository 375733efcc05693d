/**
 * Where each part of the system answers, as URL path prefixes. The embedded server serves
 * them all on one port (one firewall rule for LAN exposure; each AWS-compatible service gets
 * its own prefix so an SDK client is pointed at it with `endpoint` alone); the cloud stack
 * serves the listener page and `config.json` at the same paths from CloudFront.
 */
export const PATHS = {
  config: "/config.json",
  health: "/healthz",
  api: "/api",
  webSocket: "/ws",
  console: "/console/",
  listener: "/s/",
  /** The caption screen for projectors: `/s/screen.html?session={id}&lang={code}`, a page of its own. */
  captionScreen: "/s/screen.html",
  /** The embeddable player's script and style, at fixed names (the API's embed HTML names them). */
  embedAssets: "/s/embed/",
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
  /** S3, path-style (`{prefix}/{bucket}/{key}`): the recordings bucket, reached by presigned URLs. */
  s3: "/aws/s3",
  apigatewaymanagementapi: "/aws/apigateway",
  /** Lambda's Invoke API (functions invoking one another: the join has the pool-growth function add a channel). */
  lambda: "/aws/lambda",
  /** Embedded user pool (Cognito user pools' JSON API), served only when the `cognito` settings enable it. */
  cognitoIdp: "/aws/cognito-idp",
  /** Embedded identity pool (GetId, GetCredentialsForIdentity), beside the embedded user pool. */
  cognitoIdentity: "/aws/cognito-identity",
  /** The caption Event API (AppSync Events' wire protocol): `POST {prefix}/event`, WebSocket `{prefix}/event/realtime`. */
  appsyncEvents: "/aws/appsync-events",
} as const;
