/**
 * Band-limited resampling of 16-bit mono PCM (eSpeak NG speaks at 22,050 Hz; Polly's pcm is
 * 8,000 or 16,000 Hz). A windowed-sinc interpolator whose cutoff sits below the lower of
 * the two Nyquist frequencies, so downsampling filters out what would otherwise alias
 * (naive decimation would fold eSpeak's 4–11 kHz hiss into the speech band). Pure.
 */

/** Zero crossings of the sinc on each side, in units of the narrower band; more = sharper filter. */
const ZERO_CROSSINGS = 12;
/** Passband as a share of the narrower Nyquist: leaves a transition band for the window. */
const PASSBAND = 0.92;

function blackman(u: number): number {
  return 0.42 + 0.5 * Math.cos(Math.PI * u) + 0.08 * Math.cos(2 * Math.PI * u);
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** The filter's taps for each fractional phase `p / up` of an output sample between two inputs. */
function polyphaseTable(up: number, cutoff: number, halfWidth: number): Float64Array[] {
  const table: Float64Array[] = [];
  for (let phase = 0; phase < up; phase++) {
    const frac = phase / up;
    const taps = new Float64Array(2 * halfWidth);
    for (let m = -halfWidth + 1; m <= halfWidth; m++) {
      const x = frac - m;
      const u = x / halfWidth;
      if (u <= -1 || u >= 1) continue;
      const z = Math.PI * cutoff * x;
      taps[m + halfWidth - 1] = cutoff * (z === 0 ? 1 : Math.sin(z) / z) * blackman(u);
    }
    table.push(taps);
  }
  return table;
}

const tables = new Map<string, Float64Array[]>();

/** Resamples between rates whose ratio reduces to at most 4096 phases (all audio rates do). */
export function resamplePcm16(input: Int16Array, fromRate: number, toRate: number): Int16Array {
  if (fromRate === toRate) return input.slice();
  const g = gcd(fromRate, toRate);
  const up = toRate / g;
  const down = fromRate / g;
  if (!Number.isInteger(up) || up > 4096) throw new RangeError(`cannot resample ${fromRate} Hz to ${toRate} Hz`);
  // Cutoff as a fraction of the input's Nyquist frequency.
  const cutoff = Math.min(1, toRate / fromRate) * PASSBAND;
  const halfWidth = Math.ceil(ZERO_CROSSINGS / cutoff);
  const key = `${fromRate}:${toRate}`;
  let table = tables.get(key);
  if (!table) {
    table = polyphaseTable(up, cutoff, halfWidth);
    tables.set(key, table);
  }
  const outLength = Math.floor((input.length * up) / down);
  const out = new Int16Array(outLength);
  for (let j = 0; j < outLength; j++) {
    const position = j * down;
    const center = Math.floor(position / up);
    const taps = table[position % up] as Float64Array;
    let sum = 0;
    const first = Math.max(0, center - halfWidth + 1);
    const last = Math.min(input.length - 1, center + halfWidth);
    for (let k = first; k <= last; k++) sum += (input[k] as number) * (taps[k - center + halfWidth - 1] as number);
    out[j] = Math.max(-32768, Math.min(32767, Math.round(sum)));
  }
  return out;
}
