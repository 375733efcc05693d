/** The audio section of a listener's offer the relay answers: its mid and Opus payload type. */
export interface AudioOffer {
  readonly mid: string;
  readonly opusPayloadType: number;
}

/**
 * Reads the first audio m-line of an offer (the listener page offers one receive-only audio
 * transceiver). An error message when there is none or it offers no Opus: the relay forwards
 * Opus as the console encoded it and cannot transcode.
 */
export function readAudioOffer(sdp: string): AudioOffer | string {
  const sections = sdp.split(/\r?\nm=/).slice(1);
  const audio = sections.find((s) => s.startsWith("audio "));
  if (!audio) return "the offer has no audio section; offer one receive-only audio transceiver";
  const mid = /\r?\na=mid:(\S+)/.exec(audio)?.[1];
  if (!mid) return "the offer's audio section has no a=mid; offer with BUNDLE as browsers do";
  const opus = /\r?\na=rtpmap:(\d+) opus\/48000(?:\/2)?/i.exec(audio)?.[1];
  if (!opus) return "the offer's audio section has no Opus; the relay forwards Opus and cannot transcode";
  return { mid, opusPayloadType: Number(opus) };
}

/** libdatachannel writes candidates as SDP attributes (`a=candidate:`); browsers and KVS take `candidate:`. */
export function toBrowserCandidate(candidate: string): string {
  return candidate.replace(/^a=/, "");
}
