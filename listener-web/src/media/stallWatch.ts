/**
 * Says when a stream has stalled: fed the inbound packet count now and then, true once the count
 * has not moved for `stallMs`. Time between samples, not a count of samples, so a throttled timer
 * (a background tab) cannot make a flowing stream look stalled.
 */
export function stallWatch(stallMs: number): (packets: number, nowMs: number) => boolean {
  let last = -1;
  let since = 0;
  return (packets, nowMs) => {
    if (packets !== last) {
      last = packets;
      since = nowMs;
    }
    return nowMs - since >= stallMs;
  };
}
