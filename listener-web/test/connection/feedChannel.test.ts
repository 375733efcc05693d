import { captionChannel } from "@babelcast/protocol";
import { describe, expect, it } from "vitest";
import { feedChannel } from "../../src/connection/feedChannel.js";

describe("feedChannel", () => {
  it("names the same channel as the protocol's captionChannel, to which the backend publishes", () => {
    for (const [session, language] of [
      ["amber-harbor-482", "en"],
      ["s-1", "pt"],
      ["amber-harbor-482", "zh"],
    ] as const) {
      expect(feedChannel(session, language)).toBe(captionChannel(session, language));
    }
  });
});
