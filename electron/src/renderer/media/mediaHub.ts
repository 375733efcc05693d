import { interpreterLanguageOf, type SignalingGrant } from "@babelcast/protocol";
import { isRelayClientId } from "@babelcast/protocol/relay";
import type { ViewerDiagnostics } from "./diagnostics.js";
import { InterpreterFeed } from "./interpreterFeed.js";
import { MasterChannel, type SignalingState } from "./masterChannel.js";
import { RelayPeer } from "./relayPeer.js";
import { type PeerState, ViewerPeer } from "./viewerPeer.js";

export interface ViewerInfo {
  readonly clientId: string;
  readonly channelArn: string;
  readonly language?: string;
  /** Set for an interpreter: the language its microphone speaks. */
  readonly interprets?: string;
  readonly state: PeerState;
  readonly diagnostics?: ViewerDiagnostics;
}

/** A relay connected to the console: it receives every language its offer names. */
export interface RelayInfo {
  readonly clientId: string;
  readonly channelArn: string;
  readonly languages: readonly string[];
  readonly state: PeerState;
}

export interface MediaHubOptions {
  /** The track a viewer of `language` gets: the original, or that language's speech. */
  trackFor(language: string | undefined): MediaStreamTrack;
  refreshGrant(channelArn: string): Promise<SignalingGrant | undefined>;
  /** An interpreter's microphone started (`live`) or stopped arriving for `language`. */
  onInterpreter(language: string, track: MediaStreamTrack, live: boolean): void;
  onChange(): void;
}

/** Viewers that failed or closed are forgotten after this (they rejoin with a new offer). */
const DEAD_PEER_GRACE_MS = 5_000;

/**
 * The console's media hub: one KVS master per channel of the session's pool, one peer
 * connection per viewer, each carrying the track of its viewer's language.
 */
export class MediaHub {
  private readonly channels = new Map<string, MasterChannel>();
  private readonly peers = new Map<string, ViewerPeer>();
  private readonly peerStates = new Map<string, PeerState>();
  /** Relays (client id `relay-…`): one peer each, carrying every language track. */
  private readonly relays = new Map<string, RelayPeer>();
  /** Interpreter client id → the feed of its microphone. */
  private readonly feeds = new Map<string, InterpreterFeed>();
  /** Viewer client id → language, from the server's listener counts. */
  private languages: Record<string, string> = {};
  private closed = false;

  constructor(private readonly options: MediaHubOptions) {}

  /** Connects as master on a channel (idempotent: a known channel only gets the fresher grant). */
  addChannel(grant: SignalingGrant): void {
    if (this.closed) return;
    const known = this.channels.get(grant.channelArn);
    if (known) {
      if (grant.expiresAt > known.grant.expiresAt) known.grant = grant;
      return;
    }
    const channel = new MasterChannel(grant, {
      onOffer: (offer, clientId, ch) => void this.answer(offer, clientId, ch),
      onCandidate: (candidate, clientId) =>
        void (this.peers.get(clientId) ?? this.relays.get(clientId))?.addCandidate(candidate),
      onState: () => this.options.onChange(),
      refreshGrant: (arn) => this.options.refreshGrant(arn),
    });
    this.channels.set(grant.channelArn, channel);
    channel.connect();
  }

  channelStates(): Array<{ channelArn: string; state: SignalingState }> {
    return [...this.channels.values()].map((c) => ({ channelArn: c.channelArn, state: c.state }));
  }

  private async answer(offer: RTCSessionDescriptionInit, clientId: string, channel: MasterChannel): Promise<void> {
    if (isRelayClientId(clientId)) return this.answerRelay(offer, clientId, channel);
    let peer = this.peers.get(clientId);
    const state = peer?.pc.connectionState;
    if (peer && (state === "failed" || state === "closed" || peer.channelArn !== channel.channelArn)) {
      this.forget(clientId, peer);
      peer = undefined;
    }
    if (!peer) {
      const language = this.languages[clientId];
      // An interpreter (its client id is minted and signed by the backend) hears the floor and speaks its language.
      const interprets = interpreterLanguageOf(clientId);
      const created = new ViewerPeer(
        clientId,
        channel.channelArn,
        channel.grant.iceServers,
        this.options.trackFor(interprets ? undefined : language),
        (candidate) => channel.sendCandidate(candidate, clientId),
        (s) => this.onPeerState(clientId, created, s),
        interprets ? (track) => this.feedInterpreter(clientId, interprets, created, track) : undefined,
      );
      created.language = language;
      peer = created;
      this.peers.set(clientId, peer);
      this.options.onChange();
    }
    try {
      const answer = await peer.answer(offer);
      channel.sendAnswer(answer, clientId);
    } catch {
      this.forget(clientId, peer);
      this.options.onChange();
    }
  }

  /** A relay's offer (its first, or after its peer failed) always gets a fresh peer with every language track. */
  private async answerRelay(offer: RTCSessionDescriptionInit, clientId: string, channel: MasterChannel): Promise<void> {
    this.relays.get(clientId)?.close();
    const relay: RelayPeer = new RelayPeer(
      clientId,
      channel.channelArn,
      channel.grant.iceServers,
      (candidate) => channel.sendCandidate(candidate, clientId),
      (state) => {
        if (this.relays.get(clientId) !== relay) return;
        if (state === "failed" || state === "closed") {
          relay.close();
          this.relays.delete(clientId);
        }
        this.options.onChange();
      },
    );
    this.relays.set(clientId, relay);
    try {
      channel.sendAnswer(await relay.answer(offer, (language) => this.options.trackFor(language)), clientId);
    } catch {
      relay.close();
      if (this.relays.get(clientId) === relay) this.relays.delete(clientId);
    }
    this.options.onChange();
  }

  private feedInterpreter(clientId: string, language: string, peer: ViewerPeer, track: MediaStreamTrack): void {
    if (this.peers.get(clientId) !== peer) return;
    this.feeds.get(clientId)?.close();
    this.feeds.set(
      clientId,
      new InterpreterFeed(language, peer.pc, track, (lang, heard) => {
        this.options.onInterpreter(lang, track, heard !== undefined);
        this.options.onChange();
      }),
    );
  }

  private forget(clientId: string, peer: ViewerPeer): void {
    peer.close();
    this.peers.delete(clientId);
    this.feeds.get(clientId)?.close();
    this.feeds.delete(clientId);
  }

  private onPeerState(clientId: string, peer: ViewerPeer, state: PeerState): void {
    this.peerStates.set(clientId, state);
    if (state === "failed" || state === "closed") {
      setTimeout(() => {
        if (
          this.peers.get(clientId) === peer &&
          (peer.pc.connectionState === "failed" || peer.pc.connectionState === "closed")
        ) {
          this.forget(clientId, peer);
          this.options.onChange();
        }
      }, DEAD_PEER_GRACE_MS);
    }
    this.options.onChange();
  }

  /** New viewer → language map: viewers whose language changed get the other track (replaceTrack). */
  setViewerLanguages(byViewer: Record<string, string>): void {
    this.languages = { ...byViewer };
    for (const peer of this.peers.values()) {
      const language = this.languages[peer.clientId];
      if (language !== undefined && language !== peer.language) {
        peer.language = language;
        void peer.setTrack(this.options.trackFor(language));
      }
    }
    this.options.onChange();
  }

  /** Re-evaluates every viewer's track (a language's speech track now exists). */
  refreshTracks(): void {
    for (const peer of this.peers.values()) void peer.setTrack(this.options.trackFor(peer.language));
    for (const relay of this.relays.values()) void relay.setTracks((language) => this.options.trackFor(language));
  }

  relayPeers(): RelayInfo[] {
    return [...this.relays.values()].map((r) => ({
      clientId: r.clientId,
      channelArn: r.channelArn,
      languages: r.languages(),
      state: r.pc.connectionState,
    }));
  }

  viewers(): ViewerInfo[] {
    return [...this.peers.values()].map((p) => {
      const interprets = interpreterLanguageOf(p.clientId);
      return {
        clientId: p.clientId,
        channelArn: p.channelArn,
        language: p.language,
        ...(interprets ? { interprets } : {}),
        state: p.pc.connectionState,
        diagnostics: p.diagnostics,
      };
    });
  }

  /** Samples getStats of every viewer (the diagnostics panel polls this). */
  async sampleStats(): Promise<void> {
    await Promise.all([...this.peers.values()].map((p) => p.sampleStats().catch(() => undefined)));
    this.options.onChange();
  }

  close(): void {
    this.closed = true;
    for (const c of this.channels.values()) c.close();
    for (const f of this.feeds.values()) f.close();
    for (const p of this.peers.values()) p.close();
    for (const r of this.relays.values()) r.close();
    this.feeds.clear();
    this.channels.clear();
    this.peers.clear();
    this.relays.clear();
  }
}
