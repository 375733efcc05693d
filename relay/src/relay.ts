import type { SignalingGrant } from "@babelcast/protocol";
import type { RelayCommand, RelayEvent } from "@babelcast/protocol/relay";
import { ConsoleUpstream } from "./consoleUpstream.js";
import { toRtcIceServers } from "./iceServers.js";
import { ListenerAssignments } from "./listenerAssignments.js";
import { ListenerPeer } from "./listenerPeer.js";
import { readRtpHeader, SILENCE_FRAME_MS } from "./rtpRewriter.js";
import { type AudioOffer, readAudioOffer } from "./sdpOffer.js";
import { SignalingChannel } from "./signalingChannel.js";

type StartCommand = Extract<RelayCommand, { type: "start" }>;

/**
 * A relay: the console's tracks in (ConsoleUpstream), one peer per listener out (ListenerPeer),
 * and who hears what (ListenerAssignments). Every packet is forwarded as it came, re-stamped
 * per listener; nothing is decoded.
 */
export class Relay {
  private readonly upstream: ConsoleUpstream;
  private readonly channels = new Map<string, SignalingChannel>();
  private readonly peers = new Map<string, ListenerPeer>();
  private readonly assignments: ListenerAssignments;
  private readonly bindAddress: string | undefined;
  private readonly upstreamArn: string;
  /**
   * Listeners hear silence, not an error, while nothing comes for them (the upstream is gone or
   * reconnecting, or their language sends nothing): each gets Opus silence every frame, so its
   * page's stall watchdog sees packets and its peer stays up until the audio is back.
   */
  private readonly silenceFiller = setInterval(() => {
    const now = performance.now();
    for (const peer of this.peers.values()) peer.fillSilence(now);
  }, SILENCE_FRAME_MS);

  constructor(
    start: StartCommand,
    private readonly emit: (event: RelayEvent) => void,
  ) {
    this.bindAddress = start.bindAddress;
    this.upstreamArn = start.upstream.channelArn;
    this.assignments = new ListenerAssignments(start.languages);
    this.upstream = new ConsoleUpstream(start.upstream, start.languages, start.bindAddress, {
      onPacket: (language, packet) => this.forward(language, packet),
      onState: (state, languages) => emit({ type: "upstream", state, languages: [...languages] }),
      onGrantNeeded: () => emit({ type: "grantNeeded", role: "VIEWER", channelArn: start.upstream.channelArn }),
    });
    this.upstream.start();
  }

  /** Applies one command; an error message (and nothing changed) when it cannot. */
  handle(command: Exclude<RelayCommand, StartCommand>): string | undefined {
    switch (command.type) {
      case "addChannel":
        return this.addChannel(command.grant);
      case "upstreamGrant":
        if (command.grant.role !== "VIEWER") return "upstreamGrant needs a VIEWER grant of the console's channel";
        this.upstream.updateGrant(command.grant);
        return undefined;
      case "assign": {
        const error = this.assignments.assign(command.viewerId, command.language);
        if (!error) this.reportViewer(command.viewerId);
        return error;
      }
      case "unassign":
        this.assignments.remove(command.viewerId);
        this.dropPeer(command.viewerId);
        return undefined;
      case "stop":
        this.close();
        return undefined;
    }
  }

  private addChannel(grant: SignalingGrant): string | undefined {
    if (grant.role !== "MASTER") return `addChannel needs a MASTER grant; ${grant.channelArn} came as ${grant.role}`;
    // A second master takes a KVS channel over: this would disconnect the console from its own channel.
    if (grant.channelArn === this.upstreamArn) {
      return `${grant.channelArn} is the console's channel; give the relay pool channels of its own`;
    }
    const known = this.channels.get(grant.channelArn);
    if (known) {
      known.updateGrant(grant);
      return undefined;
    }
    const arn = grant.channelArn;
    const channel: SignalingChannel = new SignalingChannel(grant, {
      onState: (state) => this.emit({ type: "channel", channelArn: arn, state }),
      onGrantNeeded: () => this.emit({ type: "grantNeeded", role: "MASTER", channelArn: arn }),
      onDescription: (d, viewerId) => {
        if (d.type === "offer") this.answer(channel, viewerId, d.sdp);
      },
      onCandidate: (c, viewerId) => this.peers.get(viewerId)?.addCandidate(c),
    });
    this.channels.set(arn, channel);
    channel.connect();
    return undefined;
  }

  private answer(channel: SignalingChannel, viewerId: string, sdp: string): void {
    const offer = readAudioOffer(sdp);
    if (typeof offer === "string") {
      this.emit({ type: "error", message: `viewer ${viewerId} on ${channel.channelArn}: ${offer}` });
      return;
    }
    // A new offer from a known viewer (it reconnected, or restarts ICE) replaces its peer.
    this.dropPeer(viewerId);
    let peer: ListenerPeer;
    try {
      peer = this.createPeer(channel, viewerId, offer, sdp);
    } catch (err) {
      // One listener's unusable offer must not take the relay (and every other listener) down.
      this.emit({ type: "error", message: `viewer ${viewerId}: its offer could not be answered (${String(err)})` });
      return;
    }
    this.peers.set(viewerId, peer);
    this.reportViewer(viewerId);
  }

  private createPeer(channel: SignalingChannel, viewerId: string, offer: AudioOffer, sdp: string): ListenerPeer {
    const peer: ListenerPeer = new ListenerPeer(
      viewerId,
      channel.channelArn,
      offer,
      sdp,
      toRtcIceServers(channel.iceServers),
      this.bindAddress,
      {
        sendAnswer: (answer) => channel.sendDescription(answer, viewerId),
        sendCandidate: (candidate) => channel.sendCandidate(candidate, viewerId),
        onState: () => {
          if (this.peers.get(viewerId) === peer) this.reportViewer(viewerId);
        },
      },
    );
    return peer;
  }

  private forward(language: string, packet: Buffer): void {
    const header = readRtpHeader(packet);
    // RTCP from the console (sender reports) describes its streams, not the listeners': not forwarded.
    if (!header) return;
    const now = performance.now();
    for (const viewerId of this.assignments.listenersOf(language)) {
      this.peers.get(viewerId)?.forward(packet, header, language, now);
    }
  }

  private reportViewer(viewerId: string): void {
    const peer = this.peers.get(viewerId);
    if (!peer) return;
    const language = this.assignments.language(viewerId);
    this.emit({
      type: "viewer",
      viewerId,
      channelArn: peer.channelArn,
      state: peer.state,
      ...(language !== undefined ? { language } : {}),
    });
  }

  private dropPeer(viewerId: string): void {
    const peer = this.peers.get(viewerId);
    if (!peer) return;
    this.peers.delete(viewerId);
    peer.close();
  }

  close(): void {
    clearInterval(this.silenceFiller);
    this.upstream.close();
    for (const channel of this.channels.values()) channel.close();
    for (const peer of this.peers.values()) peer.close();
    this.channels.clear();
    this.peers.clear();
  }
}
