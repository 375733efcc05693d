/**
 * RTP header rewriting for forwarding without re-encoding (RFC 3550 §5.1). Each listener gets
 * one continuous stream: its own SSRC, and sequence numbers and timestamps that carry on
 * across a language switch, so the phone's jitter buffer sees no jump and needs no new offer.
 */

/** Opus RTP runs on a 48 kHz clock whatever the sample rate (RFC 7587 §4.1). */
export const OPUS_CLOCK_HZ = 48_000;
const SEQ_MOD = 0x1_0000;
const TS_MOD = 0x1_0000_0000;
const RTP_HEADER_BYTES = 12;

/**
 * One Opus packet of 20 ms of silence: TOC byte 0xF8 is configuration 31 (CELT-only, fullband,
 * 20 ms), mono, code 0 (one frame) (RFC 6716 §3.1), followed by a two-byte CELT frame that decodes
 * to digital silence (the frame voice bots and SFUs send for silence). One Opus packet per RTP
 * payload (RFC 7587 §4.2); a mono packet plays on a stereo decoder (RFC 6716 §3.1, the `s` bit).
 */
export const OPUS_SILENCE = Uint8Array.of(0xf8, 0xff, 0xfe);
/** The duration of one silence packet. */
export const SILENCE_FRAME_MS = 20;
/**
 * Nothing sent to a listener for this long: fill with silence. Well under the listener page's stall
 * watchdog (1.5 s), well over a forwarded stream's jitter (packets every 10–20 ms).
 */
export const SILENCE_AFTER_MS = 200;

/** The fields of an RTP packet's fixed header the relay reads, and where its payload starts. */
export interface RtpHeader {
  readonly marker: boolean;
  readonly payloadType: number;
  readonly sequenceNumber: number;
  readonly timestamp: number;
  readonly ssrc: number;
  readonly padding: boolean;
  /** Byte offset of the payload: after CSRCs and the header extension. */
  readonly payloadOffset: number;
}

/** RTCP shares the port with RTP (rtcp-mux); its packet types 192–223 tell them apart (RFC 5761 §4). */
export function isRtcp(packet: Uint8Array): boolean {
  const second = packet[1];
  return packet.length >= 2 && second !== undefined && second >= 192 && second <= 223;
}

/** Reads an RTP header, or undefined when the bytes are not a whole RTP version 2 packet. */
export function readRtpHeader(packet: Uint8Array): RtpHeader | undefined {
  if (packet.length < RTP_HEADER_BYTES || isRtcp(packet)) return undefined;
  const view = new DataView(packet.buffer, packet.byteOffset, packet.byteLength);
  const first = view.getUint8(0);
  if (first >> 6 !== 2) return undefined;
  const csrcCount = first & 0x0f;
  let offset = RTP_HEADER_BYTES + csrcCount * 4;
  if (first & 0x10) {
    if (packet.length < offset + 4) return undefined;
    offset += 4 + view.getUint16(offset + 2) * 4;
  }
  if (packet.length < offset) return undefined;
  const second = view.getUint8(1);
  return {
    marker: (second & 0x80) !== 0,
    payloadType: second & 0x7f,
    sequenceNumber: view.getUint16(2),
    timestamp: view.getUint32(4),
    ssrc: view.getUint32(8),
    padding: (first & 0x20) !== 0,
    payloadOffset: offset,
  };
}

/** What one rewritten packet carries, for tests and counters. */
export interface RewrittenFields {
  readonly sequenceNumber: number;
  readonly timestamp: number;
  readonly marker: boolean;
}

/**
 * One listener's outgoing stream. Packets of the source (language and SSRC) it follows keep their
 * spacing (fixed offsets); the first packet after a switch continues at the next sequence
 * number and at a timestamp advanced by the wall time since the last packet sent, and carries
 * the marker bit (a talkspurt starts, RFC 3551 §4.1), so the phone plays on without a gap.
 * Header extensions and CSRCs are dropped: their ids were negotiated with the console, not
 * with the phone.
 */
export class ListenerRtpStream {
  private source?: string;
  private sourceSsrc?: number;
  private seqOffset = 0;
  private tsOffset = 0;
  private lastSeq: number;
  private lastTs: number;
  private lastSentAtMs?: number;
  private started = false;
  /** Sending silence (since SILENCE_AFTER_MS without a packet) until the next real packet. */
  private filling = false;

  constructor(
    readonly ssrc: number,
    readonly payloadType: number,
    initialSeq: number,
    initialTs: number,
  ) {
    this.lastSeq = (initialSeq - 1 + SEQ_MOD) % SEQ_MOD;
    this.lastTs = initialTs >>> 0;
  }

  /** The source (language) this stream follows now, or undefined before its first packet. */
  get following(): string | undefined {
    return this.source;
  }

  /** The packet as this listener receives it: a new buffer, the input untouched. */
  rewrite(packet: Uint8Array, header: RtpHeader, source: string, nowMs: number): Buffer {
    const fields = this.next(header, source, nowMs);
    const payload = packet.subarray(header.payloadOffset);
    const out = Buffer.allocUnsafe(RTP_HEADER_BYTES + payload.length);
    out[0] = 0x80 | (header.padding ? 0x20 : 0);
    out[1] = (fields.marker ? 0x80 : 0) | this.payloadType;
    out.writeUInt16BE(fields.sequenceNumber, 2);
    out.writeUInt32BE(fields.timestamp, 4);
    out.writeUInt32BE(this.ssrc, 8);
    out.set(payload, RTP_HEADER_BYTES);
    return out;
  }

  /**
   * Whether this listener is due a silence packet at `nowMs`: nothing went out for
   * SILENCE_AFTER_MS (the upstream is gone, or its language sends nothing), then one every frame
   * until real packets come again. Before any packet, the clock starts at the first check (the
   * relay checks once the listener's track is open), so a first real packet is not preceded by silence.
   */
  silenceDue(nowMs: number): boolean {
    if (this.lastSentAtMs === undefined) {
      this.lastSentAtMs = nowMs;
      return false;
    }
    return nowMs - this.lastSentAtMs >= (this.filling ? SILENCE_FRAME_MS : SILENCE_AFTER_MS);
  }

  /**
   * A silence packet continuing this listener's stream: the next sequence number, the timestamp
   * moved on by the wall time since the last packet (as a switch does), no marker (no talkspurt
   * starts). The next real packet re-anchors as after a switch, marker set: the phone's jitter buffer
   * sees one unbroken stream throughout.
   */
  silence(nowMs: number): Buffer {
    const sequenceNumber = (this.lastSeq + 1) % SEQ_MOD;
    const elapsed = this.lastSentAtMs === undefined ? 0 : nowMs - this.lastSentAtMs;
    const timestamp =
      (this.lastTs + (this.started ? Math.max(1, Math.round((elapsed * OPUS_CLOCK_HZ) / 1000)) : 0)) % TS_MOD;
    this.lastSeq = sequenceNumber;
    this.lastTs = timestamp;
    this.lastSentAtMs = nowMs;
    this.started = true;
    this.filling = true;
    // Forget the source's offsets: its next packet continues from here (a re-anchor, as after a switch).
    this.sourceSsrc = undefined;
    const out = Buffer.allocUnsafe(RTP_HEADER_BYTES + OPUS_SILENCE.length);
    out[0] = 0x80;
    out[1] = this.payloadType;
    out.writeUInt16BE(sequenceNumber, 2);
    out.writeUInt32BE(timestamp, 4);
    out.writeUInt32BE(this.ssrc, 8);
    out.set(OPUS_SILENCE, RTP_HEADER_BYTES);
    return out;
  }

  /** The header fields the next packet of `source` gets (and the stream's state moves on). */
  next(header: RtpHeader, source: string, nowMs: number): RewrittenFields {
    let marker = header.marker;
    if (source !== this.source || header.ssrc !== this.sourceSsrc) {
      // A switch, a restarted source (the console reconnected: new SSRC, new numbering) or the
      // first packet: continue from where this listener's stream stands.
      const seq = (this.lastSeq + 1) % SEQ_MOD;
      const elapsed = this.started && this.lastSentAtMs !== undefined ? nowMs - this.lastSentAtMs : 0;
      const step = this.started ? Math.max(1, Math.round((elapsed * OPUS_CLOCK_HZ) / 1000)) : 0;
      const ts = (this.lastTs + step) % TS_MOD;
      this.seqOffset = (seq - header.sequenceNumber + SEQ_MOD) % SEQ_MOD;
      this.tsOffset = (ts - header.timestamp + TS_MOD) % TS_MOD;
      this.source = source;
      this.sourceSsrc = header.ssrc;
      marker = true;
    }
    const sequenceNumber = (header.sequenceNumber + this.seqOffset) % SEQ_MOD;
    const timestamp = (header.timestamp + this.tsOffset) % TS_MOD;
    // Only a newer packet moves the stream on; a late one (reordered upstream) goes out as it is.
    const ahead = (sequenceNumber - this.lastSeq + SEQ_MOD) % SEQ_MOD;
    if (!this.started || (ahead > 0 && ahead < SEQ_MOD / 2)) {
      this.lastSeq = sequenceNumber;
      this.lastTs = timestamp;
      this.lastSentAtMs = nowMs;
      this.started = true;
      this.filling = false;
    }
    return { sequenceNumber, timestamp, marker };
  }
}
