import { describe, expect, it } from "vitest";
import { resolveInside } from "../../src/main/appFiles.js";
import { APP_ORIGIN, BUNDLED_CONSOLE_URL, consoleLocationFromArgs, originOf } from "../../src/main/consoleUrl.js";
import { isAllowedNavigation, isSafeExternalUrl } from "../../src/main/navigation.js";
import { pickProjectorDisplay, qrViewUrl, readQrView } from "../../src/shared/qrView.js";

describe("console location", () => {
  it("loads the embedded server's loopback console page when npm start passes it", () => {
    const loc = consoleLocationFromArgs(["electron", ".", "--console-url=http://127.0.0.1:8080/console/#token=abc"]);
    expect(loc).toEqual({ url: "http://127.0.0.1:8080/console/#token=abc", origin: "http://127.0.0.1:8080" });
  });

  it("falls back to the bundled console under our own scheme", () => {
    expect(consoleLocationFromArgs(["electron", "."])).toEqual({ url: BUNDLED_CONSOLE_URL, origin: APP_ORIGIN });
  });

  it("refuses plain http on another host, and non-web schemes", () => {
    expect(() => consoleLocationFromArgs(["--console-url=http://192.168.1.20:8080/console/"])).toThrow(
      /on this machine/,
    );
    expect(() => consoleLocationFromArgs(["--console-url=file:///etc/passwd"])).toThrow(/http/);
    expect(() => consoleLocationFromArgs(["--console-url=not a url"])).toThrow(/not a URL/);
  });

  it("gives our custom scheme an origin (WHATWG URL says null)", () => {
    expect(originOf("babelcast://console/index.html")).toBe(APP_ORIGIN);
    expect(originOf("http://127.0.0.1:8080/x")).toBe("http://127.0.0.1:8080");
    expect(originOf("garbage")).toBe("");
  });
});

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

describe("bundled renderer files", () => {
  it("resolves paths inside the renderer folder and nothing outside it", () => {
    expect(resolveInside("/app/renderer", "/index.html")).toBe("/app/renderer/index.html");
    expect(resolveInside("/app/renderer", "/")).toBe("/app/renderer/index.html");
    // Climbing past the root stops at the root: the main process bundle stays out of reach.
    expect(resolveInside("/app/renderer", "/../main/index.cjs")).toBe("/app/renderer/main/index.cjs");
    expect(resolveInside("/app/renderer", "/%2e%2e/%2e%2e/etc/passwd")).toBe("/app/renderer/etc/passwd");
    expect(resolveInside("/app/renderer", "/%E0%A4%A")).toBeUndefined();
    expect(resolveInside("/app/renderer", "/a%00.js")).toBeUndefined();
  });
});

describe("QR projector view", () => {
  it("puts the join link in the fragment and drops the owner token", () => {
    const url = qrViewUrl(
      "http://127.0.0.1:8080/console/#token=secret",
      "http://192.168.1.5:8080/s/amber-harbor-482",
      "Talk",
    );
    expect(url).not.toContain("secret");
    expect(url.startsWith("http://127.0.0.1:8080/console/#")).toBe(true);
    expect(readQrView(new URL(url).hash)).toEqual({
      joinUrl: "http://192.168.1.5:8080/s/amber-harbor-482",
      title: "Talk",
    });
  });

  it("ignores fragments that are not a web join link", () => {
    expect(readQrView("#token=x")).toBeUndefined();
    expect(readQrView("#qr=javascript%3Aalert(1)")).toBeUndefined();
  });

  it("picks the second display for the projector, the only one otherwise", () => {
    const d = (id: number) => ({ id, bounds: { x: id * 1000, y: 0, width: 1000, height: 800 } });
    expect(pickProjectorDisplay([d(1), d(2)], 1)?.id).toBe(2);
    expect(pickProjectorDisplay([d(1)], 1)?.id).toBe(1);
  });
});
