import { MAX_PARTIALS_PER_SECOND } from "@babelcast/protocol";

/** Time and timers, so the throttle runs on a fake clock in tests. */
export interface ThrottleClock {
  now(): number;
  setTimer(run: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
}

export const SYSTEM_CLOCK: ThrottleClock = {
  now: () => Date.now(),
  setTimer: (run, ms) => setTimeout(run, ms),
  clearTimer: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * Live partials to the server at most `maxPerSecond` a second (the server drops partials beyond
 * MAX_PARTIALS_PER_SECOND per session and second; the recognizer revises its words many times a
 * second). Sends are spaced at least 1000 / maxPerSecond ms apart, so no second holds more than
 * that many. A partial is sent at once when the last went out long enough ago (leading edge);
 * one coming sooner waits, replaced by any newer one, and the newest is sent when the spacing
 * allows. A final segment `cancel`s the waiting partial: its words are in the final, and a
 * partial arriving after its final would show words already captioned.
 */
export class PartialThrottle {
  private readonly spacingMs: number;
  private lastSentAt = Number.NEGATIVE_INFINITY;
  private pending: string | undefined;
  private timer: unknown;

  constructor(
    private readonly send: (text: string) => void,
    private readonly clock: ThrottleClock = SYSTEM_CLOCK,
    maxPerSecond: number = MAX_PARTIALS_PER_SECOND,
  ) {
    this.spacingMs = 1000 / maxPerSecond;
  }

  /** The recognizer's latest partial. */
  offer(text: string): void {
    const now = this.clock.now();
    if (this.timer === undefined && now - this.lastSentAt >= this.spacingMs) {
      this.sendNow(text, now);
      return;
    }
    this.pending = text;
    if (this.timer === undefined) {
      this.timer = this.clock.setTimer(() => this.release(), this.lastSentAt + this.spacingMs - now);
    }
  }

  /** A final segment went (or the talk paused): the waiting partial, if any, is not sent. */
  cancel(): void {
    this.pending = undefined;
    if (this.timer !== undefined) this.clock.clearTimer(this.timer);
    this.timer = undefined;
  }

  private release(): void {
    this.timer = undefined;
    const text = this.pending;
    this.pending = undefined;
    if (text !== undefined) this.sendNow(text, this.clock.now());
  }

  private sendNow(text: string, now: number): void {
    this.lastSentAt = now;
    this.send(text);
  }
}
