import type { SignalingGrant } from "@babelcast/protocol";
import { reconnectDelayMs } from "@babelcast/protocol/backoff";
import { grantIsFresh } from "@babelcast/protocol/grantExpiry";
import { Role, SignalingClient } from "amazon-kinesis-video-streams-webrtc";
import WebSocket from "ws";

// The SDK opens `new (WebSocket || require('ws'))`, which throws on Node 20 without a global (SDK issue #615).
(globalThis as { WebSocket?: unknown }).WebSocket ??= WebSocket;

// The SDK types these with DOM classes; it sends whatever plain object it gets as JSON.
type SdkDescription = Parameters<SignalingClient["sendSdpAnswer"]>[0];
type SdkCandidate = Parameters<SignalingClient["sendIceCandidate"]>[0];

export type ChannelState = "connecting" | "connected" | "reconnecting" | "closed";

/** What the SDK delivers: `{type, sdp}` and `{candidate, sdpMid, sdpMLineIndex}` plain objects. */
export interface SessionDescription {
  readonly type: string;
  readonly sdp: string;
}
export interface IceCandidateInit {
  readonly candidate: string;
  readonly sdpMid?: string | null;
  readonly sdpMLineIndex?: number | null;
}

export interface SignalingChannelEvents {
  /** An offer (master) or an answer (viewer); `peerId` is the viewer's client id, or "MASTER". */
  onDescription(description: SessionDescription, peerId: string): void;
  onCandidate(candidate: IceCandidateInit, peerId: string): void;
  onState(state: ChannelState): void;
  /** The grant will not connect any more: whoever runs the relay should send a fresh one. */
  onGrantNeeded(): void;
}

/**
 * One KVS signaling connection of the relay, as master of a pool channel or as viewer of the
 * console's channel. The SDK neither handles GO_AWAY nor reconnects: every close (GO_AWAY,
 * the 1-hour limit, the 10-minute idle timeout, a drop) is answered with a reconnect, with
 * backoff, on the freshest grant it was given; peer connections already up keep flowing.
 */
export class SignalingChannel {
  private client?: SignalingClient;
  private stopped = false;
  private attempt = 0;
  private timer?: ReturnType<typeof setTimeout>;
  private waitingForGrant = false;
  state: ChannelState = "connecting";

  constructor(
    private grant: SignalingGrant,
    private readonly events: SignalingChannelEvents,
  ) {}

  get channelArn(): string {
    return this.grant.channelArn;
  }

  get iceServers(): SignalingGrant["iceServers"] {
    return this.grant.iceServers;
  }

  /** A fresher grant of the same channel (used on the next reconnect; reconnects now if waiting for it). */
  updateGrant(grant: SignalingGrant): void {
    if (grant.expiresAt <= this.grant.expiresAt) return;
    this.grant = grant;
    if (this.waitingForGrant) this.connect();
  }

  connect(): void {
    if (this.stopped) return;
    this.timer = undefined;
    this.waitingForGrant = false;
    if (!grantIsFresh(this.grant.expiresAt, Date.now())) {
      // Connecting with it would be refused (403): ask for a fresh one and wait for updateGrant.
      this.waitingForGrant = true;
      this.setState("reconnecting");
      this.events.onGrantNeeded();
      return;
    }
    this.setState(this.attempt === 0 ? "connecting" : "reconnecting");
    const grant = this.grant;
    const client = new SignalingClient({
      channelARN: grant.channelArn,
      channelEndpoint: grant.channelEndpoint,
      region: grant.region,
      role: grant.role === "MASTER" ? Role.MASTER : Role.VIEWER,
      ...(grant.role === "VIEWER" ? { clientId: grant.clientId } : {}),
      // Presigned by whoever runs the relay: the relay holds no KVS credentials.
      requestSigner: { getSignedURL: async () => grant.signedUrl },
    });
    this.client = client;
    client.on("open", () => {
      this.attempt = 0;
      this.setState("connected");
    });
    const description = (d: SessionDescription, peerId?: string) => this.events.onDescription(d, peerId ?? "MASTER");
    client.on("sdpOffer", description);
    client.on("sdpAnswer", description);
    client.on("iceCandidate", (c: IceCandidateInit, peerId?: string) => this.events.onCandidate(c, peerId ?? "MASTER"));
    client.on("close", () => {
      if (this.client === client) this.scheduleReconnect();
    });
    client.on("error", () => {
      // A close follows every error; the reconnect happens there.
    });
    try {
      client.open();
    } catch {
      this.scheduleReconnect();
    }
  }

  private scheduleReconnect(): void {
    if (this.stopped) return;
    this.client?.removeAllListeners();
    this.client = undefined;
    this.setState("reconnecting");
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.connect(), reconnectDelayMs(this.attempt++));
    // A URL past its expiry would be refused: ask early, so the reconnect finds a fresh one.
    if (!grantIsFresh(this.grant.expiresAt, Date.now())) this.events.onGrantNeeded();
  }

  sendDescription(description: SessionDescription, peerId?: string): void {
    if (!this.client) return;
    const init = { type: description.type, sdp: description.sdp } as unknown as SdkDescription;
    if (description.type === "offer") this.client.sendSdpOffer(init);
    else this.client.sendSdpAnswer(init, peerId);
  }

  sendCandidate(candidate: IceCandidateInit, peerId?: string): void {
    this.client?.sendIceCandidate(candidate as unknown as SdkCandidate, peerId);
  }

  private setState(state: ChannelState): void {
    if (this.state === state) return;
    this.state = state;
    this.events.onState(state);
  }

  close(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    const client = this.client;
    this.client = undefined;
    client?.removeAllListeners();
    client?.close();
    this.setState("closed");
  }
}
