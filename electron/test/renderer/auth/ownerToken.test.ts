import { describe, expect, it } from "vitest";
import { fragmentWithoutToken, tokenFromFragment } from "../../../src/renderer/auth/ownerToken.js";

describe("owner token in the URL fragment", () => {
  it("reads the token and removes it from the fragment", () => {
    expect(tokenFromFragment("#token=abc%2B1")).toBe("abc+1");
    expect(tokenFromFragment("#qr=1")).toBeUndefined();
    expect(tokenFromFragment("")).toBeUndefined();
    expect(fragmentWithoutToken("#token=abc&view=qr")).toBe("#view=qr");
    expect(fragmentWithoutToken("#token=abc")).toBe("");
  });
});
