import { describe, expect, it } from "vitest";
import {
  explainCognitoError,
  identityPoolLoginKey,
  jwtExpiresSoon,
  jwtExpiry,
} from "../../src/renderer/auth/cognitoClaims.js";
import { fragmentWithoutToken, tokenFromFragment } from "../../src/renderer/auth/ownerToken.js";
import { shortcutFor } from "../../src/renderer/console/shortcuts.js";
import { addSegment, addTranslation } from "../../src/renderer/live/transcriptLog.js";
import { formatGlossary, parseGlossary } from "../../src/renderer/session/glossary.js";

describe("owner token in the URL fragment", () => {
  it("reads the token and removes it from the fragment", () => {
    expect(tokenFromFragment("#token=abc%2B1")).toBe("abc+1");
    expect(tokenFromFragment("#qr=1")).toBeUndefined();
    expect(tokenFromFragment("")).toBeUndefined();
    expect(fragmentWithoutToken("#token=abc&view=qr")).toBe("#view=qr");
    expect(fragmentWithoutToken("#token=abc")).toBe("");
  });
});

describe("cloud sign-in helpers", () => {
  const jwt = (payload: object) =>
    `h.${btoa(JSON.stringify(payload)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_")}.s`;
  it("reads a JWT's expiry and says when to refresh", () => {
    expect(jwtExpiry(jwt({ exp: 2_000_000_000 }))).toBe(2_000_000_000);
    expect(jwtExpiry("nonsense")).toBeUndefined();
    expect(jwtExpiresSoon(jwt({ exp: 1000 }), 1000 * 1000 - 60_000)).toBe(true);
    expect(jwtExpiresSoon(jwt({ exp: 10_000 }), 1000 * 1000)).toBe(false);
  });
  it("builds the identity pool login key from the user pool id", () => {
    expect(identityPoolLoginKey("eu-west-1_AbCdEf")).toBe("cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf");
  });
  it("explains Cognito errors in words a presenter can act on", () => {
    expect(explainCognitoError({ code: "NotAuthorizedException" })).toMatch(/Wrong e-mail or password/);
    expect(explainCognitoError({ message: "odd" })).toBe("odd");
  });
});

describe("glossary box", () => {
  it("parses terms with per-language translations and keep-as-is terms", () => {
    const { entries, errors } = parseGlossary(
      "Babelcast\nHoly Spirit = es:Espíritu Santo, fr:Saint-Esprit\n# comment\n",
    );
    expect(errors).toEqual([]);
    expect(entries).toEqual([
      { source: "Babelcast", targets: {} },
      { source: "Holy Spirit", targets: { es: "Espíritu Santo", fr: "Saint-Esprit" } },
    ]);
    expect(parseGlossary(formatGlossary(entries)).entries).toEqual(entries);
  });
  it("names the line of a malformed entry", () => {
    expect(parseGlossary("ok\n= es:x").errors).toEqual(['line 2: the term before "=" is empty']);
    expect(parseGlossary("term = spanish").errors[0]).toMatch(/line 1: write each translation as lang:term/);
  });
});

describe("keyboard shortcuts", () => {
  const key = (k: string, extra: Partial<Parameters<typeof shortcutFor>[0]> = {}) =>
    shortcutFor({
      key: k,
      ctrlKey: false,
      metaKey: false,
      altKey: false,
      repeat: false,
      targetTag: "BODY",
      targetEditable: false,
      ...extra,
    });
  it("maps M to mute and P to pause", () => {
    expect(key("m")).toBe("toggle-mute");
    expect(key("P")).toBe("toggle-pause");
    expect(key("x")).toBeUndefined();
  });
  it("ignores keys typed into fields, with modifiers, or held down", () => {
    expect(key("m", { targetTag: "INPUT" })).toBeUndefined();
    expect(key("m", { targetEditable: true })).toBeUndefined();
    expect(key("m", { ctrlKey: true })).toBeUndefined();
    expect(key("p", { repeat: true })).toBeUndefined();
  });
});

describe("transcript log", () => {
  it("adds segments in order once and attaches translations and errors", () => {
    let log = addSegment([], 1, "world");
    log = addSegment(log, 0, "hello");
    log = addSegment(log, 1, "again");
    expect(log.map((s) => s.text)).toEqual(["hello", "world"]);
    log = addTranslation(log, 1, "es", "mundo", undefined);
    log = addTranslation(log, 1, "fr", undefined, "timeout");
    expect(log[1]).toMatchObject({ translations: { es: "mundo" }, errors: { fr: "timeout" } });
  });
});
