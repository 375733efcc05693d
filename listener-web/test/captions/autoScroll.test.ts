import { expect, it } from "vitest";
import { isFollowing } from "../../src/captions/autoScroll.js";

it("follows while the reader is at the newest line", () => {
  expect(isFollowing({ scrollTop: 600, scrollHeight: 1000, clientHeight: 400 })).toBe(true);
  expect(isFollowing({ scrollTop: 560, scrollHeight: 1000, clientHeight: 400 })).toBe(true);
});

it("pauses while the reader has scrolled back", () => {
  expect(isFollowing({ scrollTop: 300, scrollHeight: 1000, clientHeight: 400 })).toBe(false);
});
