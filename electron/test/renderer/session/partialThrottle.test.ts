import { MAX_PARTIALS_PER_SECOND } from "@babelcast/protocol";
import { describe, expect, it } from "vitest";
import { PartialThrottle, type ThrottleClock } from "../../../src/renderer/session/partialThrottle.js";

/** A clock whose time moves only when the test says; timers run as it passes them. */
class FakeClock implements ThrottleClock {
  time = 0;
  private timers: { at: number; run: () => void; id: number }[] = [];
  private nextId = 0;
  now(): number {
    return this.time;
  }
  setTimer(run: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.push({ at: this.time + Math.max(0, ms), run, id });
    return id;
  }
  clearTimer(handle: unknown): void {
    this.timers = this.timers.filter((t) => t.id !== handle);
  }
  advanceTo(time: number): void {
    for (;;) {
      const due = this.timers.filter((t) => t.at <= time).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.time = due.at;
      due.run();
    }
    this.time = time;
  }
}

function setup() {
  const clock = new FakeClock();
  const sent: { at: number; text: string }[] = [];
  const throttle = new PartialThrottle((text) => sent.push({ at: clock.now(), text }), clock);
  return { clock, sent, throttle };
}

describe("PartialThrottle", () => {
  it("sends the first partial at once (leading edge)", () => {
    const { sent, throttle } = setup();
    throttle.offer("good");
    expect(sent).toEqual([{ at: 0, text: "good" }]);
  });

  it("coalesces partials inside the window and sends the latest when the window opens", () => {
    const { clock, sent, throttle } = setup();
    throttle.offer("good");
    clock.advanceTo(50);
    throttle.offer("good mor");
    clock.advanceTo(100);
    throttle.offer("good morning");
    clock.advanceTo(249);
    expect(sent).toHaveLength(1);
    clock.advanceTo(250);
    expect(sent).toEqual([
      { at: 0, text: "good" },
      { at: 250, text: "good morning" },
    ]);
  });

  it("a final segment cancels the waiting partial, so no stale partial follows its final", () => {
    const { clock, sent, throttle } = setup();
    throttle.offer("good");
    clock.advanceTo(100);
    throttle.offer("good morning everyone");
    throttle.cancel();
    clock.advanceTo(2000);
    expect(sent.map((s) => s.text)).toEqual(["good"]);
    // The next partial (new words) goes at once: its window is long open.
    throttle.offer("today");
    expect(sent.map((s) => s.text)).toEqual(["good", "today"]);
  });

  it(`a burst of 100 recognizer partials over 5 s goes out as at most 21 (${MAX_PARTIALS_PER_SECOND} a second, plus the first), never more than ${MAX_PARTIALS_PER_SECOND} in any second, ending with the latest`, () => {
    const { clock, sent, throttle } = setup();
    for (let i = 0; i < 100; i++) {
      clock.advanceTo(i * 50);
      throttle.offer(`words ${i}`);
    }
    clock.advanceTo(6000);
    console.info(`partials sent for 100 recognizer partials in 5 s: ${sent.length}`);
    expect(sent.length).toBeLessThanOrEqual(5 * MAX_PARTIALS_PER_SECOND + 1);
    expect(sent.length).toBeGreaterThanOrEqual(5 * MAX_PARTIALS_PER_SECOND);
    expect(sent.at(-1)?.text).toBe("words 99");
    for (const s of sent) {
      expect(sent.filter((o) => o.at >= s.at && o.at < s.at + 1000).length).toBeLessThanOrEqual(
        MAX_PARTIALS_PER_SECOND,
      );
    }
    for (let second = 0; second < 6; second++) {
      expect(sent.filter((o) => Math.floor(o.at / 1000) === second).length).toBeLessThanOrEqual(
        MAX_PARTIALS_PER_SECOND,
      );
    }
  });
});
