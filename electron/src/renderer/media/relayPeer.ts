import type { IceServer } from "@babelcast/protocol";
import { languageOfRelayMid } from "@babelcast/protocol/relay";
import { withShortFrames } from "./opusFrames.js";
import type { PeerState } from "./viewerPeer.js";

/**
 * A relay's peer connection. The relay offers one receive-only audio m-line per language
 * (mid `lang-<code>`, protocol/src/relay.ts); each is answered send-only with that language's
 * track, so the relay can forward any language to its own listeners without asking again.
 * A new speech track replaces the old one in place (no renegotiation), as for a listener.
 */
export class RelayPeer {
  readonly pc: RTCPeerConnection;
  private readonly remoteSet: Promise<void>;
  private markRemoteSet!: () => void;

  constructor(
    readonly clientId: string,
    readonly channelArn: string,
    iceServers: readonly IceServer[],
    private readonly sendCandidate: (candidate: RTCIceCandidate) => void,
    onState: (state: PeerState) => void,
  ) {
    this.remoteSet = new Promise((resolve) => {
      this.markRemoteSet = resolve;
    });
    this.pc = new RTCPeerConnection({ iceServers: iceServers as RTCIceServer[] });
    this.pc.onicecandidate = (e) => {
      if (e.candidate) this.sendCandidate(e.candidate);
    };
    this.pc.onconnectionstatechange = () => onState(this.pc.connectionState);
  }

  /** Answers the relay's offer: every language m-line gets its track; other m-lines stay inactive. */
  async answer(
    offer: RTCSessionDescriptionInit,
    trackFor: (language: string) => MediaStreamTrack,
  ): Promise<RTCSessionDescriptionInit> {
    // 10 ms Opus frames, as for a direct listener: the encoder's frame size follows the remote description's
    // packet time, and the relay forwards the frames as they are (measured without: a relay added 25.6 ms p50).
    await this.pc.setRemoteDescription(withShortFrames(offer));
    this.markRemoteSet();
    await this.setTracks(trackFor);
    const answer = await this.pc.createAnswer();
    await this.pc.setLocalDescription(answer);
    return this.pc.localDescription?.toJSON() ?? answer;
  }

  /** The languages this relay receives (its offer's language m-lines). */
  languages(): string[] {
    return this.pc
      .getTransceivers()
      .map((t) => languageOfRelayMid(t.mid))
      .filter((l): l is string => l !== undefined);
  }

  /** Gives each language m-line the current track of its language (a speech track may have appeared). */
  async setTracks(trackFor: (language: string) => MediaStreamTrack): Promise<void> {
    for (const transceiver of this.pc.getTransceivers()) {
      const language = languageOfRelayMid(transceiver.mid);
      if (language === undefined || transceiver.currentDirection === "stopped") continue;
      transceiver.direction = "sendonly";
      const track = trackFor(language);
      if (transceiver.sender.track !== track) await transceiver.sender.replaceTrack(track);
    }
  }

  async addCandidate(candidate: RTCIceCandidateInit): Promise<void> {
    await this.remoteSet;
    try {
      await this.pc.addIceCandidate(candidate);
    } catch {
      // A candidate of a connection already replaced: harmless.
    }
  }

  close(): void {
    this.pc.onicecandidate = null;
    this.pc.onconnectionstatechange = null;
    this.pc.close();
  }
}
