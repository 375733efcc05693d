import { describe, expect, it } from "vitest";
import { fragmentWithoutHandOff, handOffLink, parseHandOffLink } from "../../../src/renderer/session/handOffLink.js";

const CODE = "abcdefghijklmnopqrstuvwxyz012_-A";

describe("hand-off links", () => {
  it("round-trips the session and code through the console's address, dropping any old fragment", () => {
    const link = handOffLink("http://localhost:8080/console/#token=secret", {
      sessionId: "amber-harbor-482",
      code: CODE,
    });
    expect(link).toBe(`http://localhost:8080/console/#handoff=amber-harbor-482.${CODE}`);
    expect(link).not.toContain("secret");
    expect(parseHandOffLink(`  ${link}\n`)).toEqual({ sessionId: "amber-harbor-482", code: CODE });
  });

  it("accepts the bare `<session id>.<code>` and a fragment with other parameters", () => {
    expect(parseHandOffLink(`amber-harbor-482.${CODE}`)).toEqual({ sessionId: "amber-harbor-482", code: CODE });
    expect(parseHandOffLink(`#token=t&handoff=amber-harbor-482.${CODE}`)?.code).toBe(CODE);
  });

  it("refuses what is not a hand-off link", () => {
    for (const text of ["", "amber-harbor-482", `not-a-session.${CODE}`, "amber-harbor-482.short", "http://x/#token=t"])
      expect(parseHandOffLink(text), text).toBeUndefined();
  });

  it("takes the hand-off out of a fragment and keeps the rest", () => {
    expect(fragmentWithoutHandOff(`#handoff=amber-harbor-482.${CODE}&config=x`)).toBe("#config=x");
    expect(fragmentWithoutHandOff(`#handoff=amber-harbor-482.${CODE}`)).toBe("");
  });
});
