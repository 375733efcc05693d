import type { SignalingGrant } from "@babelcast/protocol";
import { reconnectDelayMs } from "@babelcast/protocol/backoff";
import { grantIsFresh } from "@babelcast/protocol/grantExpiry";
import { Role, SignalingClient } from "amazon-kinesis-video-streams-webrtc";

export type SignalingState = "connecting" | "open" | "reconnecting" | "closed";

export interface MasterChannelEvents {
  onOffer(offer: RTCSessionDescriptionInit, remoteClientId: string, channel: MasterChannel): void;
  onCandidate(candidate: RTCIceCandidateInit, remoteClientId: string): void;
  onState(state: SignalingState, channel: MasterChannel): void;
  /** Asks the backend for a fresh master grant of this channel (presigned URLs expire). */
  refreshGrant(channelArn: string): Promise<SignalingGrant | undefined>;
}

/**
 * The console as KVS master on one channel of the session's pool. The SDK neither handles
 * GO_AWAY nor reconnects: every close (GO_AWAY, the 1-hour limit, the idle timeout, a
 * network drop) is answered here with a reconnect on a freshly presigned URL, with backoff.
 * Peer connections already up keep flowing while signaling reconnects.
 */
export class MasterChannel {
  private client?: SignalingClient;
  private stopped = false;
  private attempt = 0;
  private timer?: ReturnType<typeof setTimeout>;
  state: SignalingState = "connecting";

  constructor(
    public grant: SignalingGrant,
    private readonly events: MasterChannelEvents,
  ) {}

  get channelArn(): string {
    return this.grant.channelArn;
  }

  connect(): void {
    if (this.stopped) return;
    this.setState(this.attempt === 0 ? "connecting" : "reconnecting");
    const client = new SignalingClient({
      channelARN: this.grant.channelArn,
      channelEndpoint: this.grant.channelEndpoint,
      region: this.grant.region,
      role: Role.MASTER,
      // The backend presigned the URL; the console holds no KVS credentials.
      requestSigner: { getSignedURL: async () => this.grant.signedUrl },
    });
    this.client = client;
    client.on("open", () => {
      this.attempt = 0;
      this.setState("open");
    });
    client.on("sdpOffer", (offer: RTCSessionDescriptionInit, remoteClientId: string) => {
      this.events.onOffer(offer, remoteClientId, this);
    });
    client.on("iceCandidate", (candidate: RTCIceCandidateInit, remoteClientId: string) => {
      this.events.onCandidate(candidate, remoteClientId);
    });
    client.on("close", () => {
      if (this.client !== client) return;
      this.scheduleReconnect();
    });
    client.on("error", () => {
      // A close follows every error; reconnect there.
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
    const delay = reconnectDelayMs(this.attempt++);
    clearTimeout(this.timer);
    this.timer = setTimeout(async () => {
      if (this.stopped) return;
      try {
        if (!grantIsFresh(this.grant.expiresAt, Date.now()) || this.attempt > 1) {
          const fresh = await this.events.refreshGrant(this.grant.channelArn);
          if (fresh) this.grant = fresh;
        }
      } catch {
        // Backend unreachable: try with what we have; the next close retries the refresh.
      }
      this.connect();
    }, delay);
  }

  sendAnswer(answer: RTCSessionDescriptionInit, remoteClientId: string): void {
    this.client?.sendSdpAnswer(answer as RTCSessionDescription, remoteClientId);
  }

  sendCandidate(candidate: RTCIceCandidate, remoteClientId: string): void {
    this.client?.sendIceCandidate(candidate, remoteClientId);
  }

  private setState(state: SignalingState): void {
    this.state = state;
    this.events.onState(state, this);
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
