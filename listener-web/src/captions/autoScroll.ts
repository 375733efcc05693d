/** Within this many pixels of the bottom the reader counts as following the live captions. */
export const FOLLOW_THRESHOLD_PX = 48;

/** True when the caption list is scrolled to (or near) its newest line. */
export function isFollowing(
  scroll: { scrollTop: number; scrollHeight: number; clientHeight: number },
  threshold = FOLLOW_THRESHOLD_PX,
): boolean {
  return scroll.scrollHeight - scroll.scrollTop - scroll.clientHeight <= threshold;
}
