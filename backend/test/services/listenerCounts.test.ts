import { describe, expect, it } from "vitest";
import {
  type CountedRow,
  countersOf,
  countListeners,
  countsDelta,
  countsDiffer,
  countsFromCounters,
  viewerChange,
} from "../../src/services/listenerCounts.js";

const ARN = "arn:aws:kinesisvideo:us-east-1:123456789012:channel/test-0/1";
const row = (changes: Partial<CountedRow> = {}): CountedRow => ({
  listenerId: "l-1",
  language: "es",
  connected: true,
  channelArn: ARN,
  ...changes,
});

describe("countsDelta: one listener row's before → after as counter changes", () => {
  it("a first connect adds the listener to total, its language and its channel", () => {
    expect(countsDelta(row({ connected: false }), row())).toEqual({ total: 1, "lang#es": 1, [`channel#${ARN}`]: 1 });
  });

  it("a captions-only listener counts under captionsOnly, not a channel", () => {
    expect(countsDelta(undefined, row({ channelArn: undefined }))).toEqual({ total: 1, "lang#es": 1, captionsOnly: 1 });
  });

  it("a disconnect takes away exactly what the connect added", () => {
    expect(countsDelta(row(), row({ connected: false }))).toEqual({
      total: -1,
      "lang#es": -1,
      [`channel#${ARN}`]: -1,
    });
  });

  it("no transition, no change: a repeated disconnect, a reconnect while connected, the same language again", () => {
    expect(countsDelta(row({ connected: false }), row({ connected: false }))).toEqual({});
    expect(countsDelta(row(), row())).toEqual({});
    expect(countsDelta(undefined, undefined)).toEqual({});
  });

  it("a language switch while connected moves one count from a to b and leaves total alone", () => {
    expect(countsDelta(row(), row({ language: "fr" }))).toEqual({ "lang#es": -1, "lang#fr": 1 });
  });

  it("a language switch while away changes nothing (it is not counted)", () => {
    expect(countsDelta(row({ connected: false }), row({ connected: false, language: "fr" }))).toEqual({});
  });

  it("losing the audio slot while connected moves the listener from its channel to captionsOnly", () => {
    expect(countsDelta(row(), row({ channelArn: undefined }))).toEqual({ [`channel#${ARN}`]: -1, captionsOnly: 1 });
  });

  it("summing the deltas of any sequence of row states gives the count of the last state", () => {
    const states: (CountedRow | undefined)[] = [
      undefined,
      row({ connected: false }),
      row(),
      row({ language: "fr" }),
      row({ language: "fr", channelArn: undefined }),
      row({ connected: false, channelArn: undefined }),
      row({ language: "de", channelArn: undefined }),
    ];
    const sum: Record<string, number> = {};
    for (let i = 1; i < states.length; i++) {
      for (const [k, v] of Object.entries(countsDelta(states[i - 1], states[i]))) sum[k] = (sum[k] ?? 0) + v;
    }
    const last = countListeners([states.at(-1) as CountedRow]);
    expect(countsFromCounters(sum, {})).toEqual({ ...last, byViewer: {} });
  });
});

describe("viewerChange: the console's byViewer entry of one listener", () => {
  it("appears when a listener with an audio channel connects, goes when it leaves", () => {
    expect(viewerChange(row({ connected: false }), row())).toEqual({ listenerId: "l-1", from: null, language: "es" });
    expect(viewerChange(row(), row({ connected: false }))).toEqual({ listenerId: "l-1", from: "es", language: null });
  });

  it("follows a language switch, and goes when the audio slot is lost", () => {
    expect(viewerChange(row(), row({ language: "fr" }))).toEqual({ listenerId: "l-1", from: "es", language: "fr" });
    expect(viewerChange(row(), row({ channelArn: undefined }))).toEqual({
      listenerId: "l-1",
      from: "es",
      language: null,
    });
  });

  it("stays untouched for captions-only listeners and for changes that keep it", () => {
    expect(viewerChange(undefined, row({ channelArn: undefined }))).toBeUndefined();
    expect(viewerChange(row(), row())).toBeUndefined();
    expect(viewerChange(row({ connected: false }), row({ connected: false, language: "fr" }))).toBeUndefined();
  });
});

describe("countsFromCounters and countersOf", () => {
  it("reads the counters item's attributes into the console's counts, leaving out zeros and clamping drift below zero", () => {
    expect(
      countsFromCounters(
        { total: 3, captionsOnly: 1, "lang#es": 2, "lang#fr": 0, "lang#de": -1, [`channel#${ARN}`]: 2 },
        { "l-1": "es" },
      ),
    ).toEqual({ total: 3, captionsOnly: 1, byLanguage: { es: 2 }, byChannel: { [ARN]: 2 }, byViewer: { "l-1": "es" } });
    expect(countsFromCounters({}, {})).toEqual({
      total: 0,
      captionsOnly: 0,
      byLanguage: {},
      byChannel: {},
      byViewer: {},
    });
  });

  it("a recount written with countersOf reads back as the same counts", () => {
    const recount = countListeners([
      row(),
      row({ listenerId: "l-2", language: "fr" }),
      row({ listenerId: "l-3", channelArn: undefined }),
      row({ listenerId: "l-4", connected: false }),
    ]);
    expect(countsFromCounters(countersOf(recount), recount.byViewer)).toEqual(recount);
    expect(countsDiffer(countsFromCounters(countersOf(recount), recount.byViewer), recount)).toBe(false);
    expect(countsDiffer(countsFromCounters({ ...countersOf(recount), total: 9 }, recount.byViewer), recount)).toBe(
      true,
    );
    expect(countsDiffer(countsFromCounters(countersOf(recount), {}), recount)).toBe(true);
  });
});
