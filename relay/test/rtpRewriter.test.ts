import { describe, expect, it } from "vitest";
import {
  isRtcp,
  ListenerRtpStream,
  OPUS_SILENCE,
  readRtpHeader,
  SILENCE_AFTER_MS,
  SILENCE_FRAME_MS,
} from "../src/rtpRewriter.js";

interface PacketSpec {
  seq: number;
  ts: number;
  ssrc?: number;
  pt?: number;
  marker?: boolean;
  payload?: number[];
  csrcs?: number[];
  extensionWords?: number[];
}

/** Builds an RTP packet the way a browser sends one (optionally with CSRCs and a header extension). */
function rtp(p: PacketSpec): Buffer {
  const csrcs = p.csrcs ?? [];
  const ext = p.extensionWords;
  const extBytes = ext ? 4 + ext.length * 4 : 0;
  const payload = Buffer.from(p.payload ?? [0xfc, 1, 2, 3]);
  const out = Buffer.alloc(12 + csrcs.length * 4 + extBytes + payload.length);
  out[0] = 0x80 | (ext ? 0x10 : 0) | csrcs.length;
  out[1] = (p.marker ? 0x80 : 0) | (p.pt ?? 111);
  out.writeUInt16BE(p.seq, 2);
  out.writeUInt32BE(p.ts >>> 0, 4);
  out.writeUInt32BE(p.ssrc ?? 0xaaaa, 8);
  let at = 12;
  for (const c of csrcs) {
    out.writeUInt32BE(c, at);
    at += 4;
  }
  if (ext) {
    out.writeUInt16BE(0xbede, at);
    out.writeUInt16BE(ext.length, at + 2);
    at += 4;
    for (const w of ext) {
      out.writeUInt32BE(w, at);
      at += 4;
    }
  }
  payload.copy(out, at);
  return out;
}

function send(stream: ListenerRtpStream, spec: PacketSpec, source: string, nowMs: number) {
  const packet = rtp(spec);
  const header = readRtpHeader(packet);
  if (!header) throw new Error("test packet is not RTP");
  const out = stream.rewrite(packet, header, source, nowMs);
  const read = readRtpHeader(out);
  if (!read) throw new Error("rewritten packet is not RTP");
  return { out, header: read, payload: [...out.subarray(read.payloadOffset)] };
}

describe("ListenerRtpStream", () => {
  it("stamps the listener's SSRC and payload type and keeps the spacing of the source it follows", () => {
    const stream = new ListenerRtpStream(0x1234, 109, 500, 9000);
    const a = send(stream, { seq: 40, ts: 100_000, ssrc: 7, pt: 111 }, "es", 0);
    const b = send(stream, { seq: 41, ts: 100_960, ssrc: 7, pt: 111 }, "es", 20);
    const c = send(stream, { seq: 43, ts: 102_880, ssrc: 7, pt: 111 }, "es", 60);
    expect([a, b, c].map((p) => p.header.ssrc)).toEqual([0x1234, 0x1234, 0x1234]);
    expect([a, b, c].map((p) => p.header.payloadType)).toEqual([109, 109, 109]);
    expect([a, b, c].map((p) => p.header.sequenceNumber)).toEqual([500, 501, 503]);
    expect([a, b, c].map((p) => p.header.timestamp)).toEqual([9000, 9960, 11_880]);
    expect(stream.following).toBe("es");
  });

  it("continues at the next sequence number after a language switch, the timestamp advanced by the time since the last packet", () => {
    const stream = new ListenerRtpStream(1, 111, 100, 0);
    send(stream, { seq: 10, ts: 5000 }, "en", 1000);
    const last = send(stream, { seq: 11, ts: 5960 }, "en", 1020);
    // The other language's source has unrelated numbers.
    const first = send(stream, { seq: 60_000, ts: 3_000_000_000, ssrc: 0xbbbb }, "fr", 1040);
    const second = send(stream, { seq: 60_001, ts: 3_000_000_960, ssrc: 0xbbbb }, "fr", 1060);
    expect(first.header.sequenceNumber).toBe(last.header.sequenceNumber + 1);
    expect(first.header.timestamp).toBe(last.header.timestamp + 960);
    expect(first.header.marker).toBe(true);
    expect(second.header.sequenceNumber).toBe(first.header.sequenceNumber + 1);
    expect(second.header.timestamp).toBe(first.header.timestamp + 960);
    expect(second.header.marker).toBe(false);
    expect(stream.following).toBe("fr");
  });

  it("continues the stream when its source restarts with a new SSRC and numbering (the console reconnected)", () => {
    const stream = new ListenerRtpStream(1, 111, 300, 0);
    send(stream, { seq: 10, ts: 5000, ssrc: 0xaaaa }, "en", 0);
    const last = send(stream, { seq: 11, ts: 5960, ssrc: 0xaaaa }, "en", 20);
    const restarted = send(stream, { seq: 40_000, ts: 123, ssrc: 0xcccc }, "en", 40);
    expect(restarted.header.sequenceNumber).toBe(last.header.sequenceNumber + 1);
    expect(restarted.header.timestamp).toBe(last.header.timestamp + 960);
    expect(restarted.header.ssrc).toBe(1);
  });

  it("wraps sequence numbers at 2^16 and timestamps at 2^32, across a switch too", () => {
    const stream = new ListenerRtpStream(1, 111, 65_535, 0xffff_ffff - 100);
    const a = send(stream, { seq: 1, ts: 0 }, "en", 0);
    const b = send(stream, { seq: 2, ts: 960 }, "en", 20);
    const c = send(stream, { seq: 9, ts: 77 }, "es", 40);
    expect([a, b, c].map((p) => p.header.sequenceNumber)).toEqual([65_535, 0, 1]);
    expect(a.header.timestamp).toBe(0xffff_ffff - 100);
    expect(b.header.timestamp).toBe(859);
    expect(c.header.timestamp).toBe(859 + 960);
  });

  it("drops CSRCs and header extensions (ids negotiated with the console) and keeps the payload byte for byte", () => {
    const stream = new ListenerRtpStream(5, 111, 1, 1);
    const payload = [0x78, 0x01, 0x02, 0xff, 0x00];
    const sent = send(stream, { seq: 3, ts: 3, csrcs: [11, 12], extensionWords: [0x10ff0000, 0x22], payload }, "en", 0);
    expect(sent.out[0]).toBe(0x80);
    expect(sent.header.payloadOffset).toBe(12);
    expect(sent.payload).toEqual(payload);
    expect(sent.out.length).toBe(12 + payload.length);
  });

  it("forwards a late (reordered) packet without moving the stream back", () => {
    const stream = new ListenerRtpStream(1, 111, 10, 0);
    send(stream, { seq: 100, ts: 0 }, "en", 0);
    send(stream, { seq: 102, ts: 1920 }, "en", 40);
    const late = send(stream, { seq: 101, ts: 960 }, "en", 41);
    const next = send(stream, { seq: 103, ts: 2880 }, "en", 60);
    expect(late.header.sequenceNumber).toBe(11);
    expect(next.header.sequenceNumber).toBe(13);
    // A switch right after still continues from the newest packet sent (13), not the late one.
    const switched = send(stream, { seq: 7, ts: 7 }, "es", 80);
    expect(switched.header.sequenceNumber).toBe(14);
  });

  it("leaves the packet it was given untouched (one upstream packet feeds many listeners)", () => {
    const stream = new ListenerRtpStream(9, 96, 1, 1);
    const packet = rtp({ seq: 5, ts: 5, extensionWords: [1] });
    const copy = Buffer.from(packet);
    const header = readRtpHeader(packet);
    if (!header) throw new Error("not RTP");
    stream.rewrite(packet, header, "en", 0);
    expect(packet.equals(copy)).toBe(true);
  });
});

describe("ListenerRtpStream silence (upstream gone)", () => {
  const silence = (stream: ListenerRtpStream, nowMs: number) => {
    const out = stream.silence(nowMs);
    const header = readRtpHeader(out);
    if (!header) throw new Error("silence packet is not RTP");
    return { header, payload: [...out.subarray(header.payloadOffset)] };
  };

  it("is due only after SILENCE_AFTER_MS without a packet, then every frame until a real packet comes", () => {
    const stream = new ListenerRtpStream(1, 111, 0, 0);
    send(stream, { seq: 10, ts: 5000 }, "en", 1000);
    expect(stream.silenceDue(1000 + SILENCE_AFTER_MS - 1)).toBe(false);
    expect(stream.silenceDue(1000 + SILENCE_AFTER_MS)).toBe(true);
    stream.silence(1000 + SILENCE_AFTER_MS);
    expect(stream.silenceDue(1000 + SILENCE_AFTER_MS + SILENCE_FRAME_MS - 1)).toBe(false);
    expect(stream.silenceDue(1000 + SILENCE_AFTER_MS + SILENCE_FRAME_MS)).toBe(true);
    send(stream, { seq: 11, ts: 5960 }, "en", 1300);
    expect(stream.silenceDue(1300 + SILENCE_FRAME_MS)).toBe(false);
  });

  it("is due SILENCE_AFTER_MS after the first check for a listener whose language has sent nothing yet", () => {
    const stream = new ListenerRtpStream(1, 111, 0, 0);
    expect(stream.silenceDue(5000)).toBe(false);
    expect(stream.silenceDue(5000 + SILENCE_AFTER_MS - 1)).toBe(false);
    expect(stream.silenceDue(5000 + SILENCE_AFTER_MS)).toBe(true);
  });

  it("sends Opus silence on the listener's SSRC and payload type, sequence numbers and timestamps continuing the stream", () => {
    const stream = new ListenerRtpStream(0x1234, 109, 700, 9000);
    const last = send(stream, { seq: 10, ts: 5000 }, "en", 1000);
    const first = silence(stream, 1200);
    const second = silence(stream, 1220);
    expect(first.payload).toEqual([...OPUS_SILENCE]);
    expect(first.header).toMatchObject({ ssrc: 0x1234, payloadType: 109, marker: false });
    expect(first.header.sequenceNumber).toBe(last.header.sequenceNumber + 1);
    expect(first.header.timestamp).toBe(last.header.timestamp + 200 * 48);
    expect(second.header.sequenceNumber).toBe(first.header.sequenceNumber + 1);
    expect(second.header.timestamp).toBe(first.header.timestamp + 960);
  });

  it("resumes the real stream where the silence left it, marker set, the source's new numbering re-anchored", () => {
    const stream = new ListenerRtpStream(1, 111, 65_534, 0);
    send(stream, { seq: 10, ts: 5000, ssrc: 0xaaaa }, "en", 0);
    silence(stream, 200);
    const lastSilence = silence(stream, 220);
    // The console came back: a new SSRC and numbering on the same language.
    const back = send(stream, { seq: 30_000, ts: 77, ssrc: 0xcccc }, "en", 240);
    const next = send(stream, { seq: 30_001, ts: 1037, ssrc: 0xcccc }, "en", 260);
    expect(lastSilence.header.sequenceNumber).toBe(0);
    expect(back.header.sequenceNumber).toBe(1);
    expect(back.header.timestamp).toBe(lastSilence.header.timestamp + 960);
    expect(back.header.marker).toBe(true);
    expect(next.header.sequenceNumber).toBe(2);
    expect(next.header.timestamp).toBe(back.header.timestamp + 960);
    expect(next.header.marker).toBe(false);
    expect(stream.following).toBe("en");
  });

  it("re-anchors an upstream that stalled and resumed with its old numbering, so sequence numbers never go back", () => {
    const stream = new ListenerRtpStream(1, 111, 100, 0);
    send(stream, { seq: 10, ts: 5000 }, "en", 0);
    const s1 = silence(stream, 200);
    // The same source resumes: its packet 11 would map to 101 under the old offsets, behind the silence.
    const resumed = send(stream, { seq: 11, ts: 5960 }, "en", 220);
    expect(resumed.header.sequenceNumber).toBe(s1.header.sequenceNumber + 1);
    expect(resumed.header.timestamp).toBe(s1.header.timestamp + 960);
  });
});

describe("readRtpHeader and isRtcp", () => {
  it("tells RTCP (sender report, PT 200) from RTP", () => {
    const sr = Buffer.from([0x80, 200, 0, 6, 0, 0, 0, 1, 0, 0, 0, 0]);
    expect(isRtcp(sr)).toBe(true);
    expect(readRtpHeader(sr)).toBeUndefined();
    expect(isRtcp(rtp({ seq: 1, ts: 1 }))).toBe(false);
  });

  it("refuses packets that are not whole RTP version 2 packets", () => {
    expect(readRtpHeader(Buffer.alloc(8))).toBeUndefined();
    const v1 = rtp({ seq: 1, ts: 1 });
    v1[0] = 0x40;
    expect(readRtpHeader(v1)).toBeUndefined();
    const truncated = rtp({ seq: 1, ts: 1, extensionWords: [1, 2, 3] }).subarray(0, 18);
    expect(readRtpHeader(truncated)).toBeUndefined();
  });
});
