import { describe, expect, it } from "vitest";
import {
  interpreterClientId,
  interpreterFragment,
  interpreterLanguageOf,
  parseInterpreterFragment,
} from "../src/interpreters.js";

describe("interpreter client ids", () => {
  it("name the language an interpreter speaks", () => {
    expect(interpreterLanguageOf(interpreterClientId("es", "AbCdEfGhIjKlMnOp"))).toBe("es");
  });

  it("are never a listener's id", () => {
    expect(interpreterLanguageOf("l-AbCdEfGhIjKlMnOp")).toBeUndefined();
    expect(interpreterLanguageOf("i-es")).toBeUndefined();
    expect(interpreterLanguageOf("i-ES-AbCdEfGhIjKlMnOp")).toBeUndefined();
  });

  it("refuses a language that is not a two-letter code", () => {
    expect(() => interpreterClientId("es-x", "AbCdEfGhIjKlMnOp")).toThrow(/not an interpreter client id/);
  });
});

describe("interpreter links", () => {
  const token = "A".repeat(43);

  it("round-trip the session and the token through the fragment", () => {
    expect(parseInterpreterFragment(interpreterFragment("amber-harbor-482", token))).toEqual({
      sessionId: "amber-harbor-482",
      token,
    });
  });

  it("ignore other fragments (the owner token, the QR view)", () => {
    expect(parseInterpreterFragment("#token=abc")).toBeUndefined();
    expect(parseInterpreterFragment(`#interpret=amber-harbor-482.${token}x`)).toBeUndefined();
    expect(parseInterpreterFragment("")).toBeUndefined();
  });
});
