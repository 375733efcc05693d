import type { SignalingGrant } from "@babelcast/protocol";
import { relayTrackMid } from "@babelcast/protocol/relay";
import nodeDataChannel from "node-datachannel";
import { toRtcIceServers } from "./iceServers.js";
import { peerPortRange } from "./peerPortRange.js";
import { toBrowserCandidate } from "./sdpOffer.js";
import { type ChannelState, type IceCandidateInit, SignalingChannel } from "./signalingChannel.js";

const { Audio, PeerConnection } = nodeDataChannel;
type PeerConnection = InstanceType<typeof nodeDataChannel.PeerConnection>;
type Track = ReturnType<PeerConnection["addTrack"]>;

/** Opus as browsers offer it: payload type 111 (the console answers with the type the offer names). */
const OPUS_PAYLOAD_TYPE = 111;
/** A failed upstream peer is offered anew after this. */
const REOFFER_DELAY_MS = 1_000;

export interface ConsoleUpstreamEvents {
  /** One RTP or RTCP packet of a language's track, decrypted. */
  onPacket(language: string, packet: Buffer): void;
  onState(state: ChannelState, flowing: readonly string[]): void;
  onGrantNeeded(): void;
}

/**
 * The relay as KVS viewer of the console's channel: one peer connection offering one
 * receive-only audio m-line per language (mid `lang-<code>`), so the console answers with
 * every language's track on it. References to the peer and its tracks are kept here:
 * libdatachannel objects JS no longer references are collected and stop silently.
 */
export class ConsoleUpstream {
  private readonly signaling: SignalingChannel;
  private pc?: PeerConnection;
  private readonly tracks = new Map<string, Track>();
  private readonly flowing = new Set<string>();
  private pendingCandidates: IceCandidateInit[] = [];
  /**
   * Our own candidates, held until the console's answer is applied: the console can then not
   * reach us (ICE, then its DTLS handshake) before we know its certificate fingerprint, which
   * libdatachannel would otherwise refuse ("unknown CA", seen under load here).
   */
  private heldCandidates: IceCandidateInit[] = [];
  private remoteSet = false;
  private timer?: ReturnType<typeof setTimeout>;
  private closed = false;

  constructor(
    grant: SignalingGrant,
    private readonly languages: readonly string[],
    private readonly bindAddress: string | undefined,
    private readonly events: ConsoleUpstreamEvents,
  ) {
    this.signaling = new SignalingChannel(grant, {
      onState: (state) => {
        if (state === "connected" && !this.peerUsable()) this.offer();
        this.report();
      },
      onDescription: (d) => {
        if (d.type !== "answer" || !this.pc) return;
        try {
          this.pc.setRemoteDescription(d.sdp, "answer");
          this.remoteSet = true;
          for (const c of this.pendingCandidates) this.addCandidate(c);
          this.pendingCandidates = [];
          for (const c of this.heldCandidates) this.signaling.sendCandidate(c);
          this.heldCandidates = [];
        } catch {
          this.scheduleReoffer();
        }
      },
      onCandidate: (c) => {
        if (this.remoteSet) this.addCandidate(c);
        else this.pendingCandidates.push(c);
      },
      onGrantNeeded: () => events.onGrantNeeded(),
    });
  }

  start(): void {
    this.signaling.connect();
  }

  updateGrant(grant: SignalingGrant): void {
    this.signaling.updateGrant(grant);
  }

  get state(): ChannelState {
    if (this.closed) return "closed";
    return this.pc?.state() === "connected"
      ? "connected"
      : this.signaling.state === "connected"
        ? "connecting"
        : "reconnecting";
  }

  private peerUsable(): boolean {
    const state = this.pc?.state();
    return state === "connected" || state === "connecting" || state === "new";
  }

  /** A fresh peer connection and its offer (the first, or after the old one failed). */
  private offer(): void {
    if (this.closed) return;
    this.closePeer();
    const pc = new PeerConnection("upstream", {
      iceServers: toRtcIceServers(this.signaling.iceServers),
      ...(this.bindAddress ? { bindAddress: this.bindAddress } : {}),
      ...peerPortRange(process.env),
    });
    this.pc = pc;
    const mids: string[] = [];
    for (const language of this.languages) {
      const mid = relayTrackMid(language);
      mids.push(mid);
      const media = new Audio(mid, "RecvOnly");
      media.addOpusCodec(OPUS_PAYLOAD_TYPE);
      const track = pc.addTrack(media);
      track.onMessage((packet) => {
        if (!this.flowing.has(language)) {
          this.flowing.add(language);
          this.report();
        }
        this.events.onPacket(language, packet);
      });
      this.tracks.set(language, track);
    }
    pc.onLocalDescription((sdp, type) => {
      if (this.pc === pc) this.signaling.sendDescription({ type, sdp });
    });
    pc.onLocalCandidate((candidate, mid) => {
      if (this.pc !== pc) return;
      const init = {
        candidate: toBrowserCandidate(candidate),
        sdpMid: mid,
        sdpMLineIndex: Math.max(0, mids.indexOf(mid)),
      };
      if (this.remoteSet) this.signaling.sendCandidate(init);
      else this.heldCandidates.push(init);
    });
    pc.onStateChange((state) => {
      if (this.pc !== pc) return;
      // "disconnected" may recover by itself (ICE keeps checking); a failed or closed peer is offered anew.
      if (state === "failed" || state === "closed") {
        this.flowing.clear();
        this.scheduleReoffer();
      }
      this.report();
    });
    pc.setLocalDescription();
  }

  private addCandidate(c: IceCandidateInit): void {
    if (!c.candidate || !this.pc) return;
    try {
      this.pc.addRemoteCandidate(c.candidate, c.sdpMid ?? relayTrackMid(this.languages[0] ?? ""));
    } catch {
      // An unresolvable (mDNS) or stale candidate: the others still connect.
    }
  }

  private scheduleReoffer(): void {
    if (this.closed) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      if (this.signaling.state === "connected" && !this.peerUsable()) this.offer();
    }, REOFFER_DELAY_MS);
  }

  private report(): void {
    this.events.onState(this.state, [...this.flowing]);
  }

  private closePeer(): void {
    for (const track of this.tracks.values()) track.close();
    this.tracks.clear();
    this.flowing.clear();
    this.pc?.close();
    this.pc = undefined;
    this.remoteSet = false;
    this.pendingCandidates = [];
    this.heldCandidates = [];
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.signaling.close();
    this.closePeer();
  }
}
