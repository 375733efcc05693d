import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { PATHS } from "@babelcast/protocol";
import { SigV4Verifier } from "../auth/sigv4Verifier.js";
import type { EmbeddedContext, EmbeddedService } from "../embeddedContext.js";
import { settingsSection } from "../embeddedSettings.js";
import { FaultSwitch } from "../faults.js";
import { underPrefix } from "../underPrefix.js";
import { ChannelStore } from "./channelStore.js";
import { CHANNEL_ARN_RE, KvsControlPlane, type SignalingEndpoints } from "./controlPlane.js";
import { KvsError, sendAwsError, sendAwsJson } from "./kvsErrors.js";
import { KVS_SETTINGS_SECTION, KvsSettings } from "./kvsSettings.js";
import { CLIENT_ID_RE, SignalingRelay, type SignalingRole } from "./signalingRelay.js";
import { refuseUpgrade, SignalingSockets } from "./signalingSockets.js";

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
}

export function signalingEndpoints(baseUrl: string): SignalingEndpoints {
  const ws = baseUrl.replace(/^http/, "ws");
  return {
    wssMaster: `${ws}${PATHS.signalingMaster}`,
    wssViewer: `${ws}${PATHS.signalingViewer}`,
    https: `${baseUrl}${PATHS.kinesisvideoSignaling}`,
  };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        reject(new KvsError("InvalidArgumentException", `The request body is larger than ${MAX_BODY_BYTES} bytes.`));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function splitUrl(url: string | undefined): { path: string; rawQuery: string } {
  const raw = url ?? "/";
  const q = raw.indexOf("?");
  return q < 0 ? { path: raw, rawQuery: "" } : { path: raw.slice(0, q), rawQuery: raw.slice(q + 1) };
}

/**
 * The Kinesis Video Streams WebRTC emulator: the signaling-channel control plane
 * (`kinesisvideo` rest-json), GetIceServerConfig (`kinesis-video-signaling`) and the
 * signaling WebSockets, all SigV4-verified against the data dir's credentials.
 */
export function createKvsService(ctx: EmbeddedContext): KvsService {
  const settings = settingsSection(ctx.settings, KVS_SETTINGS_SECTION, KvsSettings);
  const faults = new FaultSwitch(settings.faults);
  const verifier = new SigV4Verifier({ credentials: ctx.credentials, region: ctx.region, service: "kinesisvideo" });
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

  const getIceServerConfig = (input: Record<string, unknown>) => {
    const arn = input.ChannelARN;
    if (typeof arn !== "string" || !CHANNEL_ARN_RE.test(arn)) {
      throw new KvsError("InvalidArgumentException", "ChannelARN is required and must be a signaling channel ARN.");
    }
    if (input.Service !== undefined && input.Service !== "TURN") {
      throw new KvsError("InvalidArgumentException", "Service must be TURN.");
    }
    if (input.ClientId !== undefined && (typeof input.ClientId !== "string" || !CLIENT_ID_RE.test(input.ClientId))) {
      throw new KvsError("InvalidArgumentException", "ClientId must be 1 to 256 characters of [a-zA-Z0-9_.-].");
    }
    controlPlane.channel(arn);
    return {
      IceServerList: settings.iceServers.map((s) => ({
        Uris: s.uris,
        Username: s.username,
        Password: s.password,
        Ttl: settings.iceServerTtlSeconds,
      })),
    };
  };

  const answer = async (
    req: IncomingMessage,
    res: ServerResponse,
    operation: (input: Record<string, unknown>) => unknown,
  ) => {
    try {
      const body = await readBody(req);
      const { path, rawQuery } = splitUrl(req.url);
      const verdict = await verifier.verifyHeader({
        method: req.method ?? "POST",
        path,
        rawQuery,
        headers: req.headers,
        body,
      });
      if (!verdict.ok) {
        sendAwsError(res, verdict.status, verdict.code, verdict.message);
        return;
      }
      const fault = faults.decide();
      await faults.delay();
      if (fault === "drop") {
        req.socket.destroy();
        return;
      }
      if (fault === "throttle") throw new KvsError("ClientLimitExceededException", "Rate exceeded (injected fault).");
      if (fault === "error") throw new KvsError("InternalFailure", "Internal failure (injected fault).");
      let input: unknown = {};
      if (body.length > 0) {
        try {
          input = JSON.parse(body.toString("utf8"));
        } catch {
          throw new KvsError("SerializationException", "The request body is not valid JSON.");
        }
      }
      if (typeof input !== "object" || input === null || Array.isArray(input)) {
        throw new KvsError("SerializationException", "The request body must be a JSON object.");
      }
      sendAwsJson(res, operation(input as Record<string, unknown>));
    } catch (err) {
      if (res.headersSent) return;
      if (err instanceof KvsError) {
        sendAwsError(res, err.status, err.type, err.message);
      } else {
        ctx.log.error("kinesisvideo request failed", { url: req.url, error: String(err) });
        sendAwsError(res, 500, "InternalFailure", "The embedded KVS emulator failed on this request; see its log.");
      }
    }
  };

  const upgrade = async (req: IncomingMessage, socket: Duplex, head: Buffer, role: SignalingRole) => {
    const { path, rawQuery } = splitUrl(req.url);
    const verdict = await verifier.verifyPresigned({ method: "GET", path, rawQuery, headers: req.headers });
    if (!verdict.ok) {
      refuseUpgrade(socket, 403, verdict.code, verdict.message);
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
    handleRequest(req, res) {
      const { path } = splitUrl(req.url);
      if (path === ICE_CONFIG_PATH && req.method === "POST") {
        void answer(req, res, getIceServerConfig);
        return true;
      }
      if (!underPrefix(path, PATHS.kinesisvideo) && !underPrefix(path, PATHS.kinesisvideoSignaling)) return false;
      const name = path.slice(PATHS.kinesisvideo.length + 1);
      const operation = underPrefix(path, PATHS.kinesisvideo) ? controlPlane.operations[name] : undefined;
      if (req.method !== "POST" || !operation || !Object.hasOwn(controlPlane.operations, name)) {
        req.resume();
        sendAwsError(res, 404, "UnknownOperationException", `No operation at ${req.method} ${path}.`);
        return true;
      }
      void answer(req, res, operation);
      return true;
    },
    handleUpgrade(req, socket, head) {
      const { path } = splitUrl(req.url);
      const role = path === PATHS.signalingMaster ? "MASTER" : path === PATHS.signalingViewer ? "VIEWER" : undefined;
      if (!role) return false;
      upgrade(req, socket, head, role).catch((err: unknown) => {
        if (err instanceof KvsError) {
          refuseUpgrade(socket, err.status, err.type, err.message);
        } else {
          ctx.log.error("signaling upgrade failed", { error: String(err) });
          refuseUpgrade(socket, 500, "InternalFailure", "The embedded KVS emulator failed on this connection.");
        }
      });
      return true;
    },
    async close() {
      await sockets.closeAll();
    },
  };
}
