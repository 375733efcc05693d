import { describe, expect, it } from "vitest";
import { decidePermission, decidePermissionCheck } from "../../src/main/permissions.js";

const ORIGIN = "http://127.0.0.1:8080";

describe("permission requests", () => {
  it("grants the microphone to our own origin's top frame", () => {
    expect(
      decidePermission(
        { permission: "media", requestingOrigin: ORIGIN, mediaTypes: ["audio"], isMainFrame: true },
        ORIGIN,
      ),
    ).toBe(true);
  });

  it("refuses the camera, and audio asked together with video", () => {
    expect(decidePermission({ permission: "media", requestingOrigin: ORIGIN, mediaTypes: ["video"] }, ORIGIN)).toBe(
      false,
    );
    expect(
      decidePermission({ permission: "media", requestingOrigin: ORIGIN, mediaTypes: ["audio", "video"] }, ORIGIN),
    ).toBe(false);
  });

  it("refuses media requests that do not say what they want", () => {
    expect(decidePermission({ permission: "media", requestingOrigin: ORIGIN, mediaTypes: [] }, ORIGIN)).toBe(false);
    expect(decidePermission({ permission: "media", requestingOrigin: ORIGIN }, ORIGIN)).toBe(false);
  });

  it("refuses the microphone to any other origin and to sub-frames", () => {
    expect(
      decidePermission(
        { permission: "media", requestingOrigin: "https://evil.example", mediaTypes: ["audio"] },
        ORIGIN,
      ),
    ).toBe(false);
    expect(
      decidePermission(
        { permission: "media", requestingOrigin: "http://127.0.0.1:9999", mediaTypes: ["audio"] },
        ORIGIN,
      ),
    ).toBe(false);
    expect(
      decidePermission(
        { permission: "media", requestingOrigin: ORIGIN, mediaTypes: ["audio"], isMainFrame: false },
        ORIGIN,
      ),
    ).toBe(false);
  });

  it("allows full screen for the QR code and refuses everything else", () => {
    expect(decidePermission({ permission: "fullscreen", requestingOrigin: ORIGIN }, ORIGIN)).toBe(true);
    for (const permission of [
      "notifications",
      "geolocation",
      "display-capture",
      "clipboard-read",
      "openExternal",
      "midi",
    ])
      expect(decidePermission({ permission, requestingOrigin: ORIGIN }, ORIGIN), permission).toBe(false);
  });
});

describe("permission checks", () => {
  it("answers audio media checks for our origin only", () => {
    expect(decidePermissionCheck("media", ORIGIN, "audio", ORIGIN)).toBe(true);
    expect(decidePermissionCheck("media", ORIGIN, "video", ORIGIN)).toBe(false);
    expect(decidePermissionCheck("media", "https://evil.example", "audio", ORIGIN)).toBe(false);
    expect(decidePermissionCheck("geolocation", ORIGIN, undefined, ORIGIN)).toBe(false);
  });
});
