import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { PATHS } from "@babelcast/protocol";
import { callersFor, prefixedResource } from "../auth/callerDirectory.js";
import { SigV4Verifier } from "../auth/sigv4Verifier.js";
import type { EmbeddedContext, EmbeddedService } from "../embeddedContext.js";
import { settingsSection } from "../embeddedSettings.js";
import { FaultSwitch } from "../faults.js";
import { type AnswerOptions, answerAwsRequest, parseJsonObject, requireAllowed } from "../http/awsEndpoint.js";
import { AwsServiceError, REST_JSON, refuseAwsUpgrade, sendAwsError, sendAwsJson } from "../http/awsResponses.js";
import { splitRequestTarget } from "../http/requestTarget.js";
import type { CoturnServer } from "../turn/turnServer.js";
import { underPrefix } from "../underPrefix.js";
import { ChannelStore } from "./channelStore.js";
import { CHANNEL_ARN_RE, KvsControlPlane, type SignalingEndpoints } from "./controlPlane.js";
import { createIceServerConfig } from "./iceServerConfig.js";
import { KvsError } from "./kvsErrors.js";
import { KVS_SETTINGS_SECTION, KvsSettings } from "./kvsSettings.js";
import { CLIENT_ID_RE, SignalingRelay, type SignalingRole } from "./signalingRelay.js";
import { SignalingSockets } from "./signalingSockets.js";

const MAX_BODY_BYTES = 1_048_576;
const ICE_CONFIG_PATH = `${PATHS.kinesisvideoSignaling}/v1/get-ice-server-config`;

/** The running KVS emulator, with handles tests use to inspect it and flip faults live. */
export interface KvsService extends EmbeddedService {
  readonly settings: KvsSettings;
  readonly faults: FaultSwitch;
  readonly relay: SignalingRelay;
  readonly endpoints: SignalingEndpoints;
  /** Open signaling WebSockets. */
  readonly openSockets: () => number;
  /** The TURN server behind GetIceServerConfig, started on first use. */
  readonly turnServer: () => Promise<CoturnServer>;
}

export function signalingEndpoints(baseUrl: string): SignalingEndpoints {
  const ws = baseUrl.replace(/^http/, "ws");
  return {
    wssMaster: `${ws}${PATHS.signalingMaster}`,
    wssViewer: `${ws}${PATHS.signalingViewer}`,
    https: `${baseUrl}${PATHS.kinesisvideoSignaling}`,
  };
}

/** The channel a request names: by `ChannelName`, or the name inside its channel ARN. */
function channelNameOf(input: Record<string, unknown>): string | undefined {
  if (typeof input.ChannelName === "string") return input.ChannelName;
  const arn = input.ChannelARN ?? input.ResourceARN;
  return typeof arn === "string" ? /:channel\/([^/]+)\//.exec(arn)?.[1] : undefined;
}

/**
 * The Kinesis Video Streams WebRTC emulator: the signaling-channel control plane
 * (`kinesisvideo` rest-json), GetIceServerConfig (`kinesis-video-signaling`) and the
 * signaling WebSockets, all SigV4-verified against the data dir's credentials.
 */
export function createKvsService(ctx: EmbeddedContext): KvsService {
  const settings = settingsSection(ctx.settings, KVS_SETTINGS_SECTION, KvsSettings);
  const faults = new FaultSwitch(settings.faults);
  const callers = callersFor(ctx);
  const verifier = new SigV4Verifier({
    credentials: ctx.credentials,
    resolveCredentials: (id) => callers.resolve(id),
    region: ctx.region,
    service: "kinesisvideo",
  });
  const store = new ChannelStore(ctx.dataDir);
  const endpoints = signalingEndpoints(ctx.url);
  const relay = new SignalingRelay({
    limits: settings,
    messageTtlSeconds: (arn) => store.getByArn(arn)?.messageTtlSeconds ?? 60,
  });
  const sockets = new SignalingSockets(relay, settings, settings.maxMessagePayloadBytes, ctx.log);
  const controlPlane = new KvsControlPlane({
    store,
    region: ctx.region,
    accountId: ctx.accountId,
    endpoints,
    maxChannels: settings.maxChannels,
    onChannelDeleted: (arn) => relay.closeChannel(arn, 1000, "the signaling channel was deleted"),
  });

  const iceConfig = createIceServerConfig(ctx, settings, (arn) => controlPlane.channel(arn), CHANNEL_ARN_RE);

  const gate: AnswerOptions = {
    verifier,
    faults,
    maxBodyBytes: MAX_BODY_BYTES,
    bodyTooLarge: () =>
      new KvsError("InvalidArgumentException", `The request body is larger than ${MAX_BODY_BYTES} bytes.`),
    throttleError: () => new KvsError("ClientLimitExceededException", "Rate exceeded (injected fault)."),
    internalError: () => new KvsError("InternalFailure", "Internal failure (injected fault)."),
    protocol: REST_JSON,
    service: "KVS",
    log: ctx.log,
  };
  const denied = (message: string) => new KvsError("AccessDeniedException", message);
  const answer = (
    req: IncomingMessage,
    res: ServerResponse,
    action: string,
    operation: (input: Record<string, unknown>) => unknown | Promise<unknown>,
  ) =>
    answerAwsRequest(req, res, gate, async (body) => {
      const input = parseJsonObject(body);
      const name = channelNameOf(input);
      // Channel actions are authorized on the channel (ListSignalingChannels on "*").
      requireAllowed(
        callers,
        req,
        { action, resource: prefixedResource("kvsChannels", name), resourceName: name ?? "*" },
        denied,
      );
      sendAwsJson(res, await operation(input), REST_JSON);
    });

  const upgrade = async (req: IncomingMessage, socket: Duplex, head: Buffer, role: SignalingRole) => {
    const { path, rawQuery } = splitRequestTarget(req.url);
    const verdict = await verifier.verifyPresigned({ method: "GET", path, rawQuery, headers: req.headers });
    if (!verdict.ok) {
      refuseAwsUpgrade(socket, new AwsServiceError(verdict.code, 403, verdict.message), REST_JSON);
      return;
    }
    const fault = faults.decide();
    await faults.delay();
    if (fault === "drop") {
      socket.destroy();
      return;
    }
    if (fault === "throttle") throw new KvsError("ClientLimitExceededException", "Rate exceeded (injected fault).");
    if (fault === "error") throw new KvsError("InternalFailure", "Internal failure (injected fault).");
    const query = new URLSearchParams(rawQuery);
    const arn = query.get("X-Amz-ChannelARN") ?? "";
    // A presigned URL carries its signer's permissions: the signer's role must allow the connect.
    const connect = role === "MASTER" ? "kinesisvideo:ConnectAsMaster" : "kinesisvideo:ConnectAsViewer";
    const decision = callers.authorize(
      verdict.accessKeyId,
      connect,
      prefixedResource("kvsChannels", channelNameOf({ ChannelARN: arn })),
      arn,
    );
    if (!decision.allowed) throw denied(decision.message);
    if (!CHANNEL_ARN_RE.test(arn))
      throw new KvsError("InvalidArgumentException", "X-Amz-ChannelARN is missing or not a channel ARN.");
    const clientId = query.get("X-Amz-ClientId") ?? undefined;
    if (role === "MASTER" && clientId !== undefined) {
      throw new KvsError("InvalidArgumentException", "A master connection takes no X-Amz-ClientId.");
    }
    if (role === "VIEWER" && (clientId === undefined || !CLIENT_ID_RE.test(clientId) || clientId.startsWith("AWS_"))) {
      throw new KvsError(
        "InvalidArgumentException",
        "X-Amz-ClientId is required for a viewer: 1 to 256 characters of [a-zA-Z0-9_.-], not starting with AWS_.",
      );
    }
    controlPlane.channel(arn);
    if (socket.destroyed) return;
    sockets.accept(req, socket, head, arn, role, clientId);
  };

  return {
    name: "kinesisvideo",
    settings,
    faults,
    relay,
    endpoints,
    openSockets: () => sockets.size,
    turnServer: iceConfig.turnServer,
    handleRequest(req, res) {
      const { path } = splitRequestTarget(req.url);
      if (path === ICE_CONFIG_PATH && req.method === "POST") {
        void answer(req, res, "kinesisvideo:GetIceServerConfig", iceConfig.getIceServerConfig);
        return true;
      }
      if (!underPrefix(path, PATHS.kinesisvideo) && !underPrefix(path, PATHS.kinesisvideoSignaling)) return false;
      const name = path.slice(PATHS.kinesisvideo.length + 1);
      const operation = underPrefix(path, PATHS.kinesisvideo) ? controlPlane.operations[name] : undefined;
      if (req.method !== "POST" || !operation || !Object.hasOwn(controlPlane.operations, name)) {
        req.resume();
        sendAwsError(
          res,
          new KvsError("UnknownOperationException", `No operation at ${req.method} ${path}.`),
          REST_JSON,
        );
        return true;
      }
      void answer(req, res, `kinesisvideo:${name.charAt(0).toUpperCase()}${name.slice(1)}`, operation);
      return true;
    },
    handleUpgrade(req, socket, head) {
      const { path } = splitRequestTarget(req.url);
      const role = path === PATHS.signalingMaster ? "MASTER" : path === PATHS.signalingViewer ? "VIEWER" : undefined;
      if (!role) return false;
      upgrade(req, socket, head, role).catch((err: unknown) => {
        if (err instanceof AwsServiceError) {
          refuseAwsUpgrade(socket, err, REST_JSON);
        } else {
          ctx.log.error("signaling upgrade failed", { error: String(err) });
          const failure = new KvsError("InternalFailure", "The embedded KVS emulator failed on this connection.");
          refuseAwsUpgrade(socket, failure, REST_JSON);
        }
      });
      return true;
    },
    async close() {
      await sockets.closeAll();
      await iceConfig.close();
    },
  };
}
