import { describe, expect, it } from "vitest";
import {
  channelOptions,
  deviceLabel,
  effectiveChannels,
  graphIsIdentity,
  parseChannelChoice,
} from "../../../src/renderer/audio/channelLayout.js";

describe("channel choices", () => {
  it("offers each channel and each adjacent stereo pair of a multichannel interface", () => {
    expect(channelOptions(4).map((o) => o.value)).toEqual(["1", "2", "3", "4", "1+2", "3+4"]);
    expect(channelOptions(1)).toEqual([{ value: "1", label: "Mono" }]);
    expect(channelOptions(3).map((o) => o.value)).toEqual(["1", "2", "3", "1+2"]);
  });

  it("turns a choice into splitter outputs", () => {
    expect(parseChannelChoice("1")).toEqual([0]);
    expect(parseChannelChoice("7+8")).toEqual([6, 7]);
    expect(parseChannelChoice("2+4")).toBeUndefined();
    expect(parseChannelChoice("0")).toBeUndefined();
    expect(parseChannelChoice("left")).toBeUndefined();
  });

  it("falls back to channel 1 when the device lacks the stored channels", () => {
    expect(effectiveChannels("17+18", 18)).toEqual({ choice: "17+18", indexes: [16, 17] });
    expect(effectiveChannels("17+18", 2)).toEqual({ choice: "1", indexes: [0] });
  });

  it("sends the input as is only when the graph would not change it: 0 dB and every channel of a mono or stereo input", () => {
    expect(graphIsIdentity("1", 1, 0)).toBe(true);
    expect(graphIsIdentity("1+2", 2, 0)).toBe(true);
    // A gain, one side of a stereo input, or a pick from a multichannel interface needs the graph.
    expect(graphIsIdentity("1", 1, 3)).toBe(false);
    expect(graphIsIdentity("1", 2, 0)).toBe(false);
    expect(graphIsIdentity("2", 2, 0)).toBe(false);
    expect(graphIsIdentity("1+2", 4, 0)).toBe(false);
    // A stored choice the device lacks falls back to channel 1: as is on a mono input.
    expect(graphIsIdentity("3+4", 1, 0)).toBe(true);
    expect(graphIsIdentity("1", 0, 0)).toBe(false);
  });

  it("labels devices with their channel count", () => {
    expect(deviceLabel("Scarlett 18i20", 18, 0)).toBe("Scarlett 18i20 (18 ch)");
    expect(deviceLabel("", undefined, 2)).toBe("Input 3");
  });
});
