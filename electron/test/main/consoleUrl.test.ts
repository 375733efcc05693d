import { describe, expect, it } from "vitest";
import { APP_ORIGIN, BUNDLED_CONSOLE_URL, consoleLocationFromArgs, originOf } from "../../src/main/consoleUrl.js";

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
