import { describe, expect, it } from "vitest";
import { pickProjectorDisplay, qrViewUrl, readQrView } from "../../src/shared/qrView.js";

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
