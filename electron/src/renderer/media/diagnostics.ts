/**
 * Summarises one viewer connection's `getStats()` into what a presenter can act on: is a
 * relay (TURN) in use, round-trip time, jitter, loss, bitrate. Pure: takes the report
 * entries as plain objects so tests feed recorded reports.
 */

export type StatsEntry = Readonly<Record<string, unknown>> & { readonly id: string; readonly type: string };

export interface ViewerDiagnostics {
  readonly localCandidateType?: string;
  readonly remoteCandidateType?: string;
  readonly relayed: boolean;
  readonly protocol?: string;
  readonly roundTripMs?: number;
  /** Jitter the viewer reports back (RTCP receiver report), ms. */
  readonly jitterMs?: number;
  /** Fraction of packets lost, 0..1, as the viewer reports back. */
  readonly lossFraction?: number;
  readonly packetsLost?: number;
  /** Outgoing audio bitrate since the previous sample, bits/s. */
  readonly bitrate?: number;
  readonly bytesSent?: number;
  readonly timestamp?: number;
  /** A one-line verdict: "good", or what is wrong. */
  readonly verdict: string;
}

const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

export function summarizeStats(entries: Iterable<StatsEntry>, previous?: ViewerDiagnostics): ViewerDiagnostics {
  const byId = new Map<string, StatsEntry>();
  for (const e of entries) byId.set(e.id, e);
  const all = [...byId.values()];

  // The selected pair: from the transport when present, else the nominated succeeded pair.
  const transport = all.find((e) => e.type === "transport");
  let pair = transport ? byId.get(str(transport.selectedCandidatePairId) ?? "") : undefined;
  pair ??= all.find((e) => e.type === "candidate-pair" && e.nominated === true && e.state === "succeeded");
  const local = pair ? byId.get(str(pair.localCandidateId) ?? "") : undefined;
  const remote = pair ? byId.get(str(pair.remoteCandidateId) ?? "") : undefined;

  const outbound = all.find((e) => e.type === "outbound-rtp" && (e.kind === "audio" || e.mediaType === "audio"));
  const remoteInbound = all.find(
    (e) => e.type === "remote-inbound-rtp" && (e.kind === "audio" || e.mediaType === "audio"),
  );

  const rttSeconds = num(remoteInbound?.roundTripTime) ?? num(pair?.currentRoundTripTime);
  const jitterSeconds = num(remoteInbound?.jitter);
  const lossFraction = num(remoteInbound?.fractionLost);
  const packetsLost = num(remoteInbound?.packetsLost);
  const bytesSent = num(outbound?.bytesSent);
  const timestamp = num(outbound?.timestamp);

  let bitrate: number | undefined;
  if (
    bytesSent !== undefined &&
    timestamp !== undefined &&
    previous?.bytesSent !== undefined &&
    previous.timestamp !== undefined
  ) {
    const dt = (timestamp - previous.timestamp) / 1000;
    if (dt > 0 && bytesSent >= previous.bytesSent) bitrate = ((bytesSent - previous.bytesSent) * 8) / dt;
  }

  const localType = str(local?.candidateType);
  const remoteType = str(remote?.candidateType);
  const summary = {
    localCandidateType: localType,
    remoteCandidateType: remoteType,
    relayed: localType === "relay" || remoteType === "relay",
    protocol: str(local?.protocol),
    roundTripMs: rttSeconds !== undefined ? rttSeconds * 1000 : undefined,
    jitterMs: jitterSeconds !== undefined ? jitterSeconds * 1000 : undefined,
    lossFraction,
    packetsLost,
    bitrate,
    bytesSent,
    timestamp,
  };
  return { ...summary, verdict: verdictOf(summary, pair !== undefined) };
}

/** Thresholds where Opus speech starts to suffer audibly. */
export function verdictOf(
  d: Pick<ViewerDiagnostics, "roundTripMs" | "jitterMs" | "lossFraction" | "relayed">,
  connected: boolean,
): string {
  if (!connected) return "not connected yet";
  const problems: string[] = [];
  if ((d.lossFraction ?? 0) > 0.05)
    problems.push(`losing ${Math.round((d.lossFraction ?? 0) * 100)}% of packets (weak Wi-Fi?)`);
  if ((d.jitterMs ?? 0) > 50) problems.push(`high jitter ${Math.round(d.jitterMs ?? 0)} ms`);
  if ((d.roundTripMs ?? 0) > 400) problems.push(`slow path ${Math.round(d.roundTripMs ?? 0)} ms round trip`);
  if (problems.length === 0) return d.relayed ? "good (through a relay)" : "good";
  return problems.join("; ");
}

export function formatBitrate(bps: number | undefined): string {
  if (bps === undefined) return "–";
  return bps >= 1000 ? `${(bps / 1000).toFixed(0)} kbit/s` : `${bps.toFixed(0)} bit/s`;
}
