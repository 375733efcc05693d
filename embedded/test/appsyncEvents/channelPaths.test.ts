import { describe, expect, it } from "vitest";
import { readChannel, subscriptionKey, subscriptionKeys } from "../../src/appsyncEvents/channelPaths.js";

describe("Event API channel paths", () => {
  it("reads a caption channel with or without the leading slash", () => {
    expect(readChannel("/captions/amber-harbor-482/pt-BR", false)).toEqual({
      ok: true,
      path: "/captions/amber-harbor-482/pt-BR",
      namespace: "captions",
      wildcard: false,
    });
    expect(readChannel("captions/amber-harbor-482/en", false)).toMatchObject({
      ok: true,
      path: "/captions/amber-harbor-482/en",
    });
  });

  it("refuses undefined namespaces, more than 5 segments, bad segments and wildcards anywhere but the end", () => {
    for (const channel of [
      "/default/a",
      "/captions/a/b/c/d/e",
      "/captions/zh_Hans",
      "/captions/-a",
      "/captions/a-",
      `/captions/${"a".repeat(51)}`,
      "/captions//a",
      "/captions/*/en",
      "/*",
      "",
      42,
    ]) {
      expect(readChannel(channel, true).ok, String(channel)).toBe(false);
    }
  });

  it("allows a trailing /* on subscribe only", () => {
    expect(readChannel("/captions/s1/*", true)).toMatchObject({ ok: true, path: "/captions/s1", wildcard: true });
    expect(readChannel("/captions/*", true)).toMatchObject({ ok: true, path: "/captions", wildcard: true });
    expect(readChannel("/captions/s1/*", false).ok).toBe(false);
    expect(readChannel("/captions/a/b/c/*", true).ok).toBe(true);
    expect(readChannel("/captions/a/b/c/d/*", true).ok).toBe(false);
  });

  it("reaches the channel itself and the wildcards over its ancestors, nothing else", () => {
    const keys = subscriptionKeys("/captions/s1/en");
    expect(keys).toContain(subscriptionKey("/captions/s1/en", false));
    expect(keys).toContain(subscriptionKey("/captions/s1", true));
    expect(keys).toContain(subscriptionKey("/captions", true));
    expect(keys).not.toContain(subscriptionKey("/captions/s1/en", true));
    expect(keys).not.toContain(subscriptionKey("/captions/s1", false));
    expect(keys).toHaveLength(3);
  });
});
