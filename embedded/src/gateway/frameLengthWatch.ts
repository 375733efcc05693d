/**
 * Follows the frame headers of a client's WebSocket byte stream (RFC 6455 §5.2) to find a frame
 * whose payload is longer than allowed. `ws` limits whole messages only; API Gateway also limits
 * each frame (32 KB), so the gateway reads the same bytes alongside it.
 */
export class FrameLengthWatch {
  private header: number[] = [];
  private payloadLeft = 0;

  constructor(private readonly maxFrameBytes: number) {}

  /** Feeds the next bytes; answers the payload length of a frame over the limit, else undefined. */
  push(chunk: Uint8Array): number | undefined {
    let i = 0;
    while (i < chunk.length) {
      if (this.payloadLeft > 0) {
        const skipped = Math.min(this.payloadLeft, chunk.length - i);
        this.payloadLeft -= skipped;
        i += skipped;
        continue;
      }
      this.header.push(chunk[i++] as number);
      const length = payloadLength(this.header);
      if (length === undefined) continue;
      this.header = [];
      if (length > this.maxFrameBytes) return length;
      this.payloadLeft = length;
    }
    return undefined;
  }
}

/** The payload length once `h` holds a whole frame header (length bytes and mask key), else undefined. */
function payloadLength(h: readonly number[]): number | undefined {
  if (h.length < 2) return undefined;
  const second = h[1] as number;
  const short = second & 0x7f;
  const lengthBytes = short === 126 ? 2 : short === 127 ? 8 : 0;
  const maskBytes = second & 0x80 ? 4 : 0;
  if (h.length < 2 + lengthBytes + maskBytes) return undefined;
  if (lengthBytes === 0) return short;
  let length = 0;
  for (let k = 2; k < 2 + lengthBytes; k++) length = length * 256 + (h[k] as number);
  return length;
}
