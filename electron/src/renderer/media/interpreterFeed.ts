import { NOT_LIVE, observePackets } from "./interpreterLiveness.js";

/** How often the inbound packet count is sampled. */
const SAMPLE_MS = 250;

/**
 * An interpreter's microphone as it arrives at the console: reports the track while packets
 * flow, and undefined once they stop or the connection ends, so its language falls back to
 * machine speech.
 */
export class InterpreterFeed {
  private state = NOT_LIVE;
  private readonly timer: ReturnType<typeof setInterval>;
  private reported: MediaStreamTrack | undefined;

  constructor(
    readonly language: string,
    private readonly pc: RTCPeerConnection,
    private readonly track: MediaStreamTrack,
    private readonly onTrack: (language: string, track: MediaStreamTrack | undefined) => void,
  ) {
    this.timer = setInterval(() => void this.sample(), SAMPLE_MS);
  }

  private async sample(): Promise<void> {
    const ended = this.pc.connectionState === "failed" || this.pc.connectionState === "closed";
    let packets = this.state.packets;
    if (!ended) {
      const report = await this.pc.getStats(this.track).catch(() => undefined);
      report?.forEach((s: { type?: string; kind?: string; packetsReceived?: number }) => {
        if (s.type === "inbound-rtp" && s.kind === "audio" && typeof s.packetsReceived === "number")
          packets = s.packetsReceived;
      });
    }
    this.state = observePackets(this.state, packets, Date.now());
    this.report(this.state.live && !ended ? this.track : undefined);
  }

  private report(track: MediaStreamTrack | undefined): void {
    if (track === this.reported) return;
    this.reported = track;
    this.onTrack(this.language, track);
  }

  get live(): boolean {
    return this.reported !== undefined;
  }

  close(): void {
    clearInterval(this.timer);
    this.report(undefined);
  }
}
