import { describe, expect, it } from "vitest";
import { formatBitrate, type StatsEntry, summarizeStats, verdictOf } from "../../../src/renderer/media/diagnostics.js";

function report(
  overrides: {
    local?: string;
    remote?: string;
    bytesSent?: number;
    timestamp?: number;
    rtt?: number;
    jitter?: number;
    lost?: number;
  } = {},
): StatsEntry[] {
  return [
    { id: "T1", type: "transport", selectedCandidatePairId: "CP1" },
    {
      id: "CP1",
      type: "candidate-pair",
      localCandidateId: "L1",
      remoteCandidateId: "R1",
      state: "succeeded",
      nominated: true,
      currentRoundTripTime: 0.02,
    },
    { id: "CP2", type: "candidate-pair", localCandidateId: "L2", remoteCandidateId: "R1", state: "failed" },
    { id: "L1", type: "local-candidate", candidateType: overrides.local ?? "host", protocol: "udp" },
    { id: "L2", type: "local-candidate", candidateType: "relay", protocol: "udp" },
    { id: "R1", type: "remote-candidate", candidateType: overrides.remote ?? "srflx" },
    {
      id: "O1",
      type: "outbound-rtp",
      kind: "audio",
      bytesSent: overrides.bytesSent ?? 10_000,
      timestamp: overrides.timestamp ?? 1_000,
    },
    {
      id: "RI1",
      type: "remote-inbound-rtp",
      kind: "audio",
      roundTripTime: overrides.rtt ?? 0.035,
      jitter: overrides.jitter ?? 0.004,
      fractionLost: overrides.lost ?? 0,
      packetsLost: 0,
    },
  ];
}

describe("viewer diagnostics", () => {
  it("reads the selected candidate pair, RTT, jitter and loss", () => {
    const d = summarizeStats(report());
    expect(d).toMatchObject({
      localCandidateType: "host",
      remoteCandidateType: "srflx",
      relayed: false,
      protocol: "udp",
    });
    expect(d.roundTripMs).toBeCloseTo(35);
    expect(d.jitterMs).toBeCloseTo(4);
    expect(d.lossFraction).toBe(0);
    expect(d.verdict).toBe("good");
  });

  it("tells when a relay carries the audio", () => {
    expect(summarizeStats(report({ local: "relay" }))).toMatchObject({
      relayed: true,
      verdict: "good (through a relay)",
    });
  });

  it("computes bitrate from two samples", () => {
    const first = summarizeStats(report({ bytesSent: 10_000, timestamp: 1_000 }));
    expect(first.bitrate).toBeUndefined();
    const second = summarizeStats(report({ bytesSent: 14_000, timestamp: 2_000 }), first);
    expect(second.bitrate).toBe(32_000);
    expect(formatBitrate(second.bitrate)).toBe("32 kbit/s");
  });

  it("names what is wrong for a struggling listener", () => {
    const d = summarizeStats(report({ lost: 0.12, jitter: 0.08, rtt: 0.6 }));
    expect(d.verdict).toContain("losing 12% of packets");
    expect(d.verdict).toContain("high jitter 80 ms");
    expect(d.verdict).toContain("600 ms round trip");
    expect(verdictOf({ relayed: false }, false)).toBe("not connected yet");
  });
});
