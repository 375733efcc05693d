// Lightweight WebRTC peers for relay tests (node-datachannel, no browser): a stand-in for the
// console that answers a relay's offer with one Opus-like track per language, and listeners
// that offer one receive-only audio m-line, as the listener page does, and count what arrives.
import type { SignalingGrant } from "@babelcast/protocol";
import { languageOfRelayMid } from "@babelcast/protocol/relay";
import { Role, SignalingClient } from "amazon-kinesis-video-streams-webrtc";
import nodeDataChannel from "node-datachannel";
import WebSocket from "ws";
import { readRtpHeader } from "../../src/rtpRewriter.js";

(globalThis as { WebSocket?: unknown }).WebSocket ??= WebSocket;

const { Audio, PeerConnection } = nodeDataChannel;
type PeerConnection = InstanceType<typeof nodeDataChannel.PeerConnection>;
type Track = ReturnType<PeerConnection["addTrack"]>;

/** The first payload byte of every packet the stand-in sends names its language (index in this list). */
export const LANGUAGE_MARKERS = ["en", "es", "fr", "de"];

type Description = { type: string; sdp: string };
type Candidate = { candidate: string; sdpMid?: string | null };

function signalingClient(grant: SignalingGrant): SignalingClient {
  return new SignalingClient({
    channelARN: grant.channelArn,
    channelEndpoint: grant.channelEndpoint,
    region: grant.region,
    role: grant.role === "MASTER" ? Role.MASTER : Role.VIEWER,
    ...(grant.role === "VIEWER" ? { clientId: grant.clientId } : {}),
    requestSigner: { getSignedURL: async () => grant.signedUrl },
  });
}

function opened(client: SignalingClient): Promise<void> {
  return new Promise((resolve, reject) => {
    client.once("open", () => resolve());
    client.once("error", (e: unknown) => reject(new Error(`signaling failed: ${String(e)}`)));
    client.open();
  });
}

/** Adds remote candidates once the remote description is set (libdatachannel refuses them earlier). */
class CandidateQueue {
  private pending: Candidate[] = [];
  private ready = false;
  constructor(
    private readonly pc: PeerConnection,
    private readonly defaultMid: string,
  ) {}
  add(c: Candidate): void {
    if (!c.candidate) return;
    if (!this.ready) this.pending.push(c);
    else {
      try {
        this.pc.addRemoteCandidate(c.candidate, c.sdpMid ?? this.defaultMid);
      } catch {
        // A candidate that arrives after the peer closed.
      }
    }
  }
  open(): void {
    this.ready = true;
    for (const c of this.pending) this.add(c);
    this.pending = [];
  }
}

/**
 * The console stand-in: KVS master of the console's channel. A relay's offer gets one
 * send-only track per `lang-xx` mid; every 20 ms each track sends one packet whose payload
 * starts with the language's marker. Each language starts at its own random seq/timestamp,
 * as two encoders would.
 */
export class ConsoleStandIn {
  private readonly client: SignalingClient;
  private readonly peers = new Map<string, PeerConnection>();
  private readonly tracks: Array<{ language: string; track: Track; ssrc: number; seq: number; ts: number }> = [];
  private readonly timer: ReturnType<typeof setInterval>;
  offers = 0;

  constructor(grant: SignalingGrant) {
    this.client = signalingClient(grant);
    this.client.on("sdpOffer", (offer: Description, viewerId: string) => this.answer(offer, viewerId));
    this.client.on("iceCandidate", (c: Candidate, viewerId: string) => this.queues.get(viewerId)?.add(c));
    this.timer = setInterval(() => this.tick(), 20);
  }
  private readonly queues = new Map<string, CandidateQueue>();

  open(): Promise<void> {
    return opened(this.client);
  }

  private answer(offer: Description, viewerId: string): void {
    this.offers += 1;
    const pc = new PeerConnection(`console-${viewerId}`, { iceServers: [], bindAddress: "127.0.0.1" });
    this.peers.set(viewerId, pc);
    const mids = [...offer.sdp.matchAll(/a=mid:(\S+)/g)].map((m) => m[1] ?? "");
    for (const mid of mids) {
      const language = languageOfRelayMid(mid);
      if (!language) continue;
      const ssrc = 0x1000 + LANGUAGE_MARKERS.indexOf(language);
      const media = new Audio(mid, "SendOnly");
      media.addOpusCodec(111);
      media.addSSRC(ssrc, "console");
      const track = pc.addTrack(media);
      this.tracks.push({
        language,
        track,
        ssrc,
        seq: Math.floor(Math.random() * 65536),
        ts: Math.floor(Math.random() * 2 ** 32),
      });
    }
    const queue = new CandidateQueue(pc, mids[0] ?? "0");
    this.queues.set(viewerId, queue);
    pc.onLocalDescription((sdp, type) => this.client.sendSdpAnswer({ type, sdp } as never, viewerId));
    pc.onLocalCandidate((candidate, mid) =>
      this.client.sendIceCandidate({ candidate: candidate.replace(/^a=/, ""), sdpMid: mid } as never, viewerId),
    );
    pc.setRemoteDescription(offer.sdp, "offer");
    queue.open();
  }

  private tick(): void {
    for (const t of this.tracks) {
      t.seq = (t.seq + 1) % 65536;
      t.ts = (t.ts + 960) % 2 ** 32;
      if (!t.track.isOpen()) continue;
      const packet = Buffer.alloc(12 + 40);
      packet[0] = 0x80;
      packet[1] = 111;
      packet.writeUInt16BE(t.seq, 2);
      packet.writeUInt32BE(t.ts, 4);
      packet.writeUInt32BE(t.ssrc, 8);
      packet[12] = LANGUAGE_MARKERS.indexOf(t.language);
      t.track.sendMessageBinary(packet);
    }
  }

  close(): void {
    clearInterval(this.timer);
    this.client.removeAllListeners();
    this.client.close();
    for (const t of this.tracks) t.track.close();
    for (const pc of this.peers.values()) pc.close();
  }
}

export interface ReceivedPacket {
  readonly seq: number;
  readonly ts: number;
  readonly ssrc: number;
  readonly language: string;
}

/** A listener as the listener page connects: a KVS viewer offering one receive-only Opus m-line (mid "0"). */
export class CountingViewer {
  private readonly client: SignalingClient;
  private readonly pc: PeerConnection;
  private readonly track: Track;
  private readonly queue: CandidateQueue;
  readonly received: ReceivedPacket[] = [];
  /** Every RTP packet that arrived, also when `keepPackets` is off. */
  packets = 0;
  /**
   * The highest sequence number so far, extended past 2^16 wrap-arounds (RFC 3550 A.1); -1
   * before the first packet. Its growth over a window is the packets sent to this viewer in it,
   * lost ones included (the relay keeps the console's gaps), whatever the clock of the reader.
   */
  highestSeq = -1;
  offersSent = 0;
  answersReceived = 0;
  /** Peer connection states in order (for failure messages). */
  readonly states: string[] = [];
  /** ICE connection states in order, and the relay's candidates that came: where a stuck join stopped. */
  readonly iceStates: string[] = [];
  candidatesReceived = 0;

  /** `keepPackets: false` only counts (benches with hundreds of viewers keep no per-packet records). */
  constructor(grant: SignalingGrant, options: { keepPackets?: boolean } = {}) {
    const keep = options.keepPackets ?? true;
    this.client = signalingClient(grant);
    this.pc = new PeerConnection(`viewer-${grant.clientId}`, { iceServers: [], bindAddress: "127.0.0.1" });
    const media = new Audio("0", "RecvOnly");
    media.addOpusCodec(111);
    this.track = this.pc.addTrack(media);
    this.track.onMessage((packet) => {
      const header = readRtpHeader(packet);
      if (!header) return;
      this.packets += 1;
      if (this.highestSeq < 0) this.highestSeq = header.sequenceNumber;
      else {
        const ahead = (header.sequenceNumber - (this.highestSeq % 65536) + 65536) % 65536;
        // Less than half the space ahead is newer; the rest is a late (reordered) packet.
        if (ahead < 32768) this.highestSeq += ahead;
      }
      if (!keep) return;
      const marker = packet[header.payloadOffset] ?? 255;
      this.received.push({
        seq: header.sequenceNumber,
        ts: header.timestamp,
        ssrc: header.ssrc,
        language: LANGUAGE_MARKERS[marker] ?? "?",
      });
    });
    this.pc.onStateChange((state) => this.states.push(state));
    this.queue = new CandidateQueue(this.pc, "0");
    this.client.on("sdpAnswer", (answer: Description) => {
      this.answersReceived += 1;
      this.pc.setRemoteDescription(answer.sdp, "answer");
      this.queue.open();
      for (const c of this.held) this.client.sendIceCandidate(c as never);
      this.held = [];
      this.answered = true;
    });
    this.client.on("iceCandidate", (c: Candidate) => {
      this.candidatesReceived += 1;
      this.queue.add(c);
    });
    this.pc.onIceStateChange((state) => this.iceStates.push(state));
    this.pc.onLocalDescription((sdp, type) => {
      this.offersSent += 1;
      this.client.sendSdpOffer({ type, sdp } as never);
    });
    // Held until the answer is applied, as the relay's upstream does (a libdatachannel offerer
    // refuses a DTLS handshake that starts before it knows the answerer's fingerprint; browsers wait).
    this.pc.onLocalCandidate((candidate, mid) => {
      const init = { candidate: candidate.replace(/^a=/, ""), sdpMid: mid };
      if (this.answered) this.client.sendIceCandidate(init as never);
      else this.held.push(init);
    });
  }
  private held: Candidate[] = [];
  private answered = false;

  async connect(): Promise<void> {
    await opened(this.client);
    this.pc.setLocalDescription();
  }

  /** Where this viewer's connection got to, for a join that did not complete. */
  progress(): string {
    return (
      `offers sent ${this.offersSent}, answers ${this.answersReceived}, relay candidates ${this.candidatesReceived}, ` +
      `peer ${this.states.join(" → ") || "no state change"}, ICE ${this.iceStates.join(" → ") || "no state change"}`
    );
  }

  /** Languages heard so far, in order, each run of packets counted once. */
  languageRuns(): string[] {
    const runs: string[] = [];
    for (const p of this.received) if (runs.at(-1) !== p.language) runs.push(p.language);
    return runs;
  }

  close(): void {
    this.client.removeAllListeners();
    this.client.close();
    this.track.close();
    this.pc.close();
  }
}
