import { describe, expect, it } from "vitest";
import { isAllowedNavigation, isSafeExternalUrl } from "../../src/main/navigation.js";

describe("navigation", () => {
  const origin = "http://127.0.0.1:8080";
  it("stays within our origin", () => {
    expect(isAllowedNavigation("http://127.0.0.1:8080/console/#qr", origin)).toBe(true);
    expect(isAllowedNavigation("http://127.0.0.1:8081/console/", origin)).toBe(false);
    expect(isAllowedNavigation("https://example.com/", origin)).toBe(false);
    expect(isAllowedNavigation("javascript:alert(1)", origin)).toBe(false);
  });

  it("hands only http(s) links without credentials to the system browser", () => {
    expect(isSafeExternalUrl("https://docs.example.com/help")).toBe(true);
    expect(isSafeExternalUrl("file:///Applications/Calculator.app")).toBe(false);
    expect(isSafeExternalUrl("smb://server/share")).toBe(false);
    expect(isSafeExternalUrl("https://user:pw@example.com/")).toBe(false);
  });
});
