import { describe, expect, it } from "vitest";
import { isCaptionScreenUrl } from "../../src/main/captionScreenUrl.js";

describe("isCaptionScreenUrl", () => {
  it("accepts the listener site's caption screen of a session and language", () => {
    expect(isCaptionScreenUrl("https://d1.cloudfront.net/s/screen.html?session=amber-harbor-482&lang=es")).toBe(true);
    expect(isCaptionScreenUrl("http://192.168.1.20:8080/s/screen.html?session=amber-harbor-482&lang=en")).toBe(true);
  });

  it("refuses any other page, scheme, or a link without session or language", () => {
    expect(isCaptionScreenUrl("https://evil.example/phish.html?session=a-b-123&lang=es")).toBe(false);
    expect(isCaptionScreenUrl("file:///s/screen.html?session=a-b-123&lang=es")).toBe(false);
    expect(isCaptionScreenUrl("javascript:alert(1)")).toBe(false);
    expect(isCaptionScreenUrl("https://d1.cloudfront.net/s/screen.html?lang=es")).toBe(false);
    expect(isCaptionScreenUrl("https://d1.cloudfront.net/s/screen.html?session=amber-harbor-482")).toBe(false);
    expect(isCaptionScreenUrl("not a url")).toBe(false);
  });
});
