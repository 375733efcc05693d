import type { IceServer } from "@babelcast/protocol";
import { type StatsEntry, summarizeStats, type ViewerDiagnostics } from "./diagnostics.js";
import { withShortFrames } from "./opusFrames.js";

export type PeerState = RTCPeerConnectionState;

/**
 * One listener's peer connection: answers its offer and sends one audio track, the one of
 * its language. Switching language replaces the track in place (no renegotiation); a new
 * offer from the same viewer (an ICE restart) is answered on the same connection.
 */
export class ViewerPeer {
  readonly pc: RTCPeerConnection;
  private readonly sender: RTCRtpSender;
  private stream = new MediaStream();
  /** Resolves once the viewer's offer is applied: candidates that come earlier wait for it. */
  private readonly remoteSet: Promise<void>;
  private markRemoteSet!: () => void;
  diagnostics?: ViewerDiagnostics;
  language?: string;

  constructor(
    readonly clientId: string,
    readonly channelArn: string,
    iceServers: readonly IceServer[],
    track: MediaStreamTrack,
    private readonly sendCandidate: (candidate: RTCIceCandidate) => void,
    onState: (state: PeerState) => void,
    /** A track the viewer sends (only an interpreter does: its microphone). */
    onRemoteTrack?: (track: MediaStreamTrack) => void,
  ) {
    this.remoteSet = new Promise((resolve) => {
      this.markRemoteSet = resolve;
    });
    this.pc = new RTCPeerConnection({ iceServers: iceServers as RTCIceServer[] });
    this.stream.addTrack(track);
    this.sender = this.pc.addTrack(track, this.stream);
    this.pc.onicecandidate = (e) => {
      if (e.candidate) this.sendCandidate(e.candidate);
    };
    this.pc.onconnectionstatechange = () => onState(this.pc.connectionState);
    if (onRemoteTrack) this.pc.ontrack = (e) => onRemoteTrack(e.track);
  }

  get track(): MediaStreamTrack | null {
    return this.sender.track;
  }

  /** Answers an offer (first one, or an ICE restart). */
  async answer(offer: RTCSessionDescriptionInit): Promise<RTCSessionDescriptionInit> {
    // 10 ms Opus frames: the sender's frame size follows the remote description's packet time.
    await this.pc.setRemoteDescription(withShortFrames(offer));
    this.markRemoteSet();
    const answer = await this.pc.createAnswer();
    await this.pc.setLocalDescription(answer);
    return this.pc.localDescription?.toJSON() ?? answer;
  }

  async addCandidate(candidate: RTCIceCandidateInit): Promise<void> {
    await this.remoteSet;
    try {
      await this.pc.addIceCandidate(candidate);
    } catch {
      // A candidate for a generation we already replaced (ICE restart): harmless.
    }
  }

  async setTrack(track: MediaStreamTrack): Promise<void> {
    if (this.sender.track === track) return;
    await this.sender.replaceTrack(track);
  }

  async sampleStats(): Promise<ViewerDiagnostics> {
    const report = await this.pc.getStats();
    const entries: StatsEntry[] = [];
    report.forEach((v: StatsEntry) => {
      entries.push(v);
    });
    this.diagnostics = summarizeStats(entries, this.diagnostics);
    return this.diagnostics;
  }

  close(): void {
    this.pc.onicecandidate = null;
    this.pc.onconnectionstatechange = null;
    this.pc.ontrack = null;
    this.pc.close();
  }
}
