import { describe, expect, it } from "vitest";
import { generateTemporaryPassword, passwordProblems } from "../../src/cognito/passwordPolicy.js";

describe("the presenter pool's password policy", () => {
  it("names each missing character class, in Cognito's words", () => {
    expect(passwordProblems("Chosen-Password-2")).toEqual([]);
    expect(passwordProblems("short")).toEqual([
      "Password not long enough",
      "Password must have uppercase characters",
      "Password must have numeric characters",
      "Password must have symbol characters",
    ]);
    expect(passwordProblems("ALLUPPERCASE-1")).toEqual(["Password must have lowercase characters"]);
  });
  it("generates temporary passwords that pass it", () => {
    for (let i = 0; i < 200; i++) expect(passwordProblems(generateTemporaryPassword())).toEqual([]);
  });
});
