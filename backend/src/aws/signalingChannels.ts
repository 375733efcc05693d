import {
  ChannelProtocol,
  ChannelRole,
  CreateSignalingChannelCommand,
  DeleteSignalingChannelCommand,
  DescribeSignalingChannelCommand,
  GetSignalingChannelEndpointCommand,
  ResourceNotFoundException,
} from "@aws-sdk/client-kinesis-video";
import { GetIceServerConfigCommand } from "@aws-sdk/client-kinesis-video-signaling";
import type { IceServer, SignalingGrant } from "@babelcast/protocol";
import type { AwsClients } from "./clients.js";
import { presignSignalingUrl } from "./signalingPresigner.js";

/** The KVS signaling-channel operations the channel pool needs. */
export interface SignalingChannels {
  create(channelName: string, sessionId: string): Promise<string>;
  delete(channelArn: string): Promise<void>;
  /** A presigned connection for one role on one channel (viewer: one client id). */
  grant(channelArn: string, role: "MASTER" | "VIEWER", clientId?: string): Promise<SignalingGrant>;
  /**
   * Master grants for every channel of a pool, in constant KVS work per channel: endpoints
   * resolved in parallel (and cached), ONE GetIceServerConfig for the whole set, URLs presigned
   * in parallel. A console reconnecting to 100 channels must answer well inside the HTTP API's
   * 30 s integration timeout.
   */
  grantMasters(channelArns: readonly string[]): Promise<SignalingGrant[]>;
}

export interface SignalingChannelOptions {
  readonly region: string;
  readonly viewerUrlExpirySeconds: number;
  readonly masterUrlExpirySeconds: number;
  readonly now?: () => number;
}

interface Endpoints {
  readonly wss: string;
  readonly https: string;
}

/** KVS through the official SDK clients; the same code against AWS and the embedded emulator. */
/** The SDK clients signaling needs: the control plane, the data plane per endpoint, credentials to presign. */
export type SignalingClients = Pick<AwsClients, "kinesisVideo" | "signaling" | "credentials">;

export function kvsSignalingChannels(clients: SignalingClients, options: SignalingChannelOptions): SignalingChannels {
  const now = options.now ?? Date.now;
  // Endpoints of a channel do not change; cache them per channel and role.
  const endpointCache = new Map<string, Endpoints>();

  async function endpoints(channelArn: string, role: "MASTER" | "VIEWER"): Promise<Endpoints> {
    const key = `${role}|${channelArn}`;
    const cached = endpointCache.get(key);
    if (cached) return cached;
    const out = await clients.kinesisVideo.send(
      new GetSignalingChannelEndpointCommand({
        ChannelARN: channelArn,
        SingleMasterChannelEndpointConfiguration: {
          Protocols: [ChannelProtocol.WSS, ChannelProtocol.HTTPS],
          Role: role === "MASTER" ? ChannelRole.MASTER : ChannelRole.VIEWER,
        },
      }),
    );
    const list = out.ResourceEndpointList ?? [];
    const wss = list.find((e) => e.Protocol === "WSS")?.ResourceEndpoint;
    const https = list.find((e) => e.Protocol === "HTTPS")?.ResourceEndpoint;
    if (!wss || !https) throw new Error(`KVS returned no WSS/HTTPS endpoint for ${channelArn}`);
    const result = { wss, https };
    endpointCache.set(key, result);
    return result;
  }

  async function iceServers(channelArn: string, httpsEndpoint: string, clientId?: string): Promise<IceServer[]> {
    const stun: IceServer[] = [{ urls: `stun:stun.kinesisvideo.${options.region}.amazonaws.com:443` }];
    const out = await clients
      .signaling(httpsEndpoint)
      .send(new GetIceServerConfigCommand({ ChannelARN: channelArn, ...(clientId ? { ClientId: clientId } : {}) }));
    const turn = (out.IceServerList ?? []).map((s) => ({
      urls: s.Uris ?? [],
      ...(s.Username ? { username: s.Username } : {}),
      ...(s.Password ? { credential: s.Password } : {}),
    }));
    // On the LAN (embedded) a public STUN server is useless and may be unreachable.
    return httpsEndpoint.startsWith("https://") ? [...stun, ...turn] : turn;
  }

  async function grantFor(
    channelArn: string,
    role: "MASTER" | "VIEWER",
    clientId: string | undefined,
    knownIce?: IceServer[],
  ): Promise<SignalingGrant> {
    const ep = await endpoints(channelArn, role);
    const expiresSeconds = role === "MASTER" ? options.masterUrlExpirySeconds : options.viewerUrlExpirySeconds;
    const signingTime = now();
    const [signedUrl, ice] = await Promise.all([
      presignSignalingUrl({
        endpoint: ep.wss,
        channelArn,
        role,
        ...(role === "VIEWER" ? { clientId } : {}),
        credentials: () => clients.credentials(),
        region: options.region,
        expiresSeconds,
        signingDate: new Date(signingTime),
      }),
      knownIce ?? iceServers(channelArn, ep.https, role === "VIEWER" ? clientId : undefined),
    ]);
    return {
      channelArn,
      channelEndpoint: ep.wss,
      signedUrl,
      region: options.region,
      role,
      ...(role === "VIEWER" ? { clientId } : {}),
      iceServers: ice,
      expiresAt: signingTime + expiresSeconds * 1000,
    };
  }

  return {
    async create(channelName, sessionId) {
      const out = await clients.kinesisVideo
        .send(
          new CreateSignalingChannelCommand({
            ChannelName: channelName,
            ChannelType: "SINGLE_MASTER",
            SingleMasterConfiguration: { MessageTtlSeconds: 60 },
            Tags: [
              { Key: "app", Value: "babelcast" },
              { Key: "session", Value: sessionId },
            ],
          }),
        )
        .catch(async (err: Error) => {
          // Left over from an attempt that stopped half-way: adopt it.
          if (err.name !== "ResourceInUseException") throw err;
          const existing = await clients.kinesisVideo.send(
            new DescribeSignalingChannelCommand({ ChannelName: channelName }),
          );
          return { ChannelARN: existing.ChannelInfo?.ChannelARN };
        });
      if (!out.ChannelARN) throw new Error(`KVS created channel ${channelName} without an ARN`);
      return out.ChannelARN;
    },
    async delete(channelArn) {
      try {
        await clients.kinesisVideo.send(new DeleteSignalingChannelCommand({ ChannelARN: channelArn }));
      } catch (err) {
        if (!(err instanceof ResourceNotFoundException) && (err as Error).name !== "ResourceNotFoundException")
          throw err;
      } finally {
        endpointCache.delete(`MASTER|${channelArn}`);
        endpointCache.delete(`VIEWER|${channelArn}`);
      }
    },
    async grant(channelArn, role, clientId) {
      if (role === "VIEWER" && !clientId) throw new Error("a viewer grant needs the viewer's client id");
      return grantFor(channelArn, role, clientId);
    },
    async grantMasters(channelArns) {
      if (channelArns.length === 0) return [];
      const [first] = channelArns as [string, ...string[]];
      const firstEndpoints = await endpoints(first, "MASTER");
      // One TURN credential set serves every peer connection of this console. KVS documents
      // GetIceServerConfig as time-limited TURN service credentials ("A REST API For Access To
      // TURN Services", Ttl fixed at 300 s, API_signaling_IceServer): the channel ARN authorizes
      // the call; the master uses the credentials only while it reconnects its own channels.
      const ice = await iceServers(first, firstEndpoints.https);
      return Promise.all(channelArns.map((arn) => grantFor(arn, "MASTER", undefined, ice)));
    },
  };
}
