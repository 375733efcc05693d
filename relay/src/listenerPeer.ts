import { randomInt } from "node:crypto";
import nodeDataChannel from "node-datachannel";
import type { RtcIceServer } from "./iceServers.js";
import { peerPortRange } from "./peerPortRange.js";
import { ListenerRtpStream, type RtpHeader } from "./rtpRewriter.js";
import type { AudioOffer } from "./sdpOffer.js";
import { toBrowserCandidate } from "./sdpOffer.js";
import type { IceCandidateInit, SessionDescription } from "./signalingChannel.js";

const { Audio, PeerConnection } = nodeDataChannel;
type PeerConnection = InstanceType<typeof nodeDataChannel.PeerConnection>;
type Track = ReturnType<PeerConnection["addTrack"]>;

export type ListenerPeerState = "connecting" | "connected" | "reconnecting" | "closed";

export interface ListenerPeerEvents {
  sendAnswer(answer: SessionDescription): void;
  sendCandidate(candidate: IceCandidateInit): void;
  onState(state: ListenerPeerState): void;
}

/**
 * One listener's peer connection on a relay's pool channel: answers the listener's offer with
 * one send-only Opus track (SSRC declared in the answer, as the answerer must) and sends it the
 * RTP of the language it follows, rewritten into one continuous stream.
 */
export class ListenerPeer {
  private readonly pc: PeerConnection;
  private readonly track: Track;
  private readonly stream: ListenerRtpStream;
  private remoteSet = false;
  private pending: IceCandidateInit[] = [];
  /** Packets sent to this listener (for reports and tests). */
  sent = 0;

  constructor(
    readonly viewerId: string,
    readonly channelArn: string,
    offer: AudioOffer,
    offerSdp: string,
    iceServers: RtcIceServer[],
    bindAddress: string | undefined,
    events: ListenerPeerEvents,
  ) {
    const ssrc = randomInt(1, 0xffff_ffff);
    this.stream = new ListenerRtpStream(ssrc, offer.opusPayloadType, randomInt(0, 0x1_0000), randomInt(0, 0xffff_ffff));
    this.pc = new PeerConnection(viewerId, {
      iceServers,
      ...(bindAddress ? { bindAddress } : {}),
      ...peerPortRange(process.env),
    });
    const media = new Audio(offer.mid, "SendOnly");
    media.addOpusCodec(offer.opusPayloadType);
    media.addSSRC(ssrc, "babelcast-relay", "babelcast-relay", "audio");
    this.track = this.pc.addTrack(media);
    this.pc.onLocalDescription((sdp, type) => events.sendAnswer({ type, sdp }));
    this.pc.onLocalCandidate((candidate, mid) =>
      events.sendCandidate({ candidate: toBrowserCandidate(candidate), sdpMid: mid, sdpMLineIndex: 0 }),
    );
    this.pc.onStateChange((state) => events.onState(peerState(state)));
    this.pc.setRemoteDescription(offerSdp, "offer");
    this.remoteSet = true;
    for (const c of this.pending) this.addCandidate(c);
    this.pending = [];
  }

  get state(): ListenerPeerState {
    return peerState(this.pc.state());
  }

  addCandidate(candidate: IceCandidateInit): void {
    if (!candidate.candidate) return;
    if (!this.remoteSet) {
      this.pending.push(candidate);
      return;
    }
    try {
      this.pc.addRemoteCandidate(candidate.candidate, candidate.sdpMid ?? this.track.mid());
    } catch {
      // An unresolvable (mDNS) or stale candidate: the others still connect.
    }
  }

  /** Sends one packet of `language` (already parsed) to this listener, if its track is open. */
  forward(packet: Buffer, header: RtpHeader, language: string, nowMs: number): void {
    if (!this.track.isOpen()) return;
    if (this.track.sendMessageBinary(this.stream.rewrite(packet, header, language, nowMs))) this.sent += 1;
  }

  /** Sends this listener a silence packet if nothing went out for a while (`ListenerRtpStream.silenceDue`). */
  fillSilence(nowMs: number): void {
    if (!this.track.isOpen() || !this.stream.silenceDue(nowMs)) return;
    if (this.track.sendMessageBinary(this.stream.silence(nowMs))) this.sent += 1;
  }

  close(): void {
    this.track.close();
    this.pc.close();
  }
}

function peerState(state: string): ListenerPeerState {
  switch (state) {
    case "connected":
      return "connected";
    case "disconnected":
      return "reconnecting";
    case "failed":
    case "closed":
      return "closed";
    default:
      return "connecting";
  }
}
