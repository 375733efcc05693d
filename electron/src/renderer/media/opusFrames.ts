/**
 * Asks this side's Opus encoder for shorter frames by adding `a=ptime` to the audio sections of the
 * listener's offer before it is applied. libwebrtc's Opus encoder takes its frame size from the
 * `ptime` of the remote description (RFC 4566 §6: "the length of time in milliseconds represented
 * by the media in a packet"); 10 ms frames halve the framing delay (measured on this machine:
 * p50 54.3 → 44.7 ms between two Chromium pages, research/webrtc-latency.md) for twice the packets. Pure.
 */
export const OPUS_FRAME_MS = 10;

/** A listener's or relay's offer as this side applies it: asking its Opus encoder for OPUS_FRAME_MS frames. */
export function withShortFrames(offer: RTCSessionDescriptionInit): RTCSessionDescriptionInit {
  return offer.sdp ? { type: offer.type, sdp: withPacketTime(offer.sdp) } : offer;
}

export function withPacketTime(sdp: string, ms: number = OPUS_FRAME_MS): string {
  const eol = sdp.includes("\r\n") ? "\r\n" : "\n";
  const lines = sdp.split(eol);
  const out: string[] = [];
  let inAudio = false;
  let hasPtime = false;
  const closeSection = () => {
    if (inAudio && !hasPtime) {
      // Keep a trailing empty line (the SDP's final CRLF) after the section's last attribute.
      const trailing = out.at(-1) === "" ? out.pop() : undefined;
      out.push(`a=ptime:${ms}`);
      if (trailing !== undefined) out.push(trailing);
    }
  };
  for (const line of lines) {
    if (line.startsWith("m=")) {
      closeSection();
      inAudio = line.startsWith("m=audio ");
      hasPtime = false;
    } else if (inAudio && line.startsWith("a=ptime:")) {
      hasPtime = true;
    }
    out.push(line);
  }
  closeSection();
  return out.join(eol);
}
