import { describe, expect, it } from "vitest";
import { groupedSecret, normalizedCode, totpKeyUri } from "../../../src/renderer/auth/totpSetup.js";

describe("authenticator app setup", () => {
  it("builds the otpauth key URI an authenticator app scans, with the account and issuer escaped", () => {
    expect(totpKeyUri("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", "ana+talks@example.org")).toBe(
      "otpauth://totp/Babelcast:ana%2Btalks%40example.org?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Babelcast",
    );
  });
  it("shows the key in groups of four for typing by hand", () => {
    expect(groupedSecret("ABCDEFGHIJ")).toBe("ABCD EFGH IJ");
  });
  it("accepts six digits typed with spaces or a dash, and nothing else", () => {
    expect(normalizedCode(" 123 456 ")).toBe("123456");
    expect(normalizedCode("123-456")).toBe("123456");
    expect(normalizedCode("12345")).toBeUndefined();
    expect(normalizedCode("12345a")).toBeUndefined();
  });
});
