/**
 * A token bucket: `ratePerSecond` sustained, bursts up to `burst` (AWS's TPS quotas allow
 * a burst of one second's worth). Pure given `now`.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly ratePerSecond: number,
    now: number,
    private readonly burst = Math.max(1, ratePerSecond),
  ) {
    this.tokens = this.burst;
    this.last = now;
  }

  /** Takes one token if there is one; false means the caller is over the rate. */
  take(now: number): boolean {
    const elapsed = Math.max(0, now - this.last) / 1000;
    this.last = now;
    this.tokens = Math.min(this.burst, this.tokens + elapsed * this.ratePerSecond);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** True when the bucket is full again, i.e. it no longer remembers anything. */
  idle(now: number): boolean {
    return this.tokens + (Math.max(0, now - this.last) / 1000) * this.ratePerSecond >= this.burst;
  }
}
