/**
 * Channel choices on a multichannel interface, pure. A choice is a 1-based channel ("3") or
 * an adjacent stereo pair ("3+4"); the capture graph splits the device's channels by it.
 */

export interface ChannelOption {
  readonly value: string;
  readonly label: string;
}

export function channelOptions(channelCount: number): ChannelOption[] {
  const n = Math.max(1, Math.floor(channelCount));
  const out: ChannelOption[] = [];
  for (let c = 1; c <= n; c++) out.push({ value: String(c), label: n === 1 ? "Mono" : `Channel ${c}` });
  for (let c = 1; c + 1 <= n; c += 2) out.push({ value: `${c}+${c + 1}`, label: `Channels ${c}+${c + 1} (stereo)` });
  return out;
}

/** 0-based channel indexes of a choice; undefined when it is malformed. */
export function parseChannelChoice(choice: string): number[] | undefined {
  const m = /^(\d{1,2})(?:\+(\d{1,2}))?$/.exec(choice);
  if (!m) return undefined;
  const first = Number(m[1]);
  if (first < 1) return undefined;
  if (m[2] === undefined) return [first - 1];
  const second = Number(m[2]);
  return second === first + 1 ? [first - 1, second - 1] : undefined;
}

/**
 * The choice to use on a device with `channelCount` channels: the stored one when the device
 * has those channels, channel 1 otherwise (a different interface was plugged in).
 */
export function effectiveChannels(choice: string, channelCount: number): { choice: string; indexes: number[] } {
  const idx = parseChannelChoice(choice);
  if (idx?.every((i) => i < channelCount)) return { choice, indexes: idx };
  return { choice: "1", indexes: [0] };
}

/**
 * Whether the graph would hand listeners the device's audio unchanged: gain 0 dB and the choice
 * takes every channel of a mono or stereo device in order ("1" of a mono input, "1+2" of a stereo one).
 */
export function graphIsIdentity(choice: string, channelCount: number, gainDb: number): boolean {
  if (gainDb !== 0 || channelCount < 1 || channelCount > 2) return false;
  const { indexes } = effectiveChannels(choice, channelCount);
  return indexes.length === channelCount && indexes.every((index, i) => index === i);
}

/** Device label for the picker: "Scarlett 18i20 (18 ch)". */
export function deviceLabel(label: string, channelCount: number | undefined, index: number): string {
  const name = label.trim() || `Input ${index + 1}`;
  return channelCount ? `${name} (${channelCount} ch)` : name;
}
