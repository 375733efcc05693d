import fc from "fast-check";

/**
 * Seeded hostile inputs for the fuzz tests, built on fast-check's generators. Every draw is
 * deterministic by seed: a failure prints its seed and index, and
 * `BABELCAST_FUZZ_SEED=<seed> npx vitest run <file>` replays exactly the same inputs.
 * `BABELCAST_FUZZ_RUNS` changes how many inputs each target gets (default 10,000).
 */
export const FUZZ_SEED = Number(process.env.BABELCAST_FUZZ_SEED ?? 20_261_128);
export const FUZZ_RUNS = Number(process.env.BABELCAST_FUZZ_RUNS ?? 10_000);

/** `count` values of `arb`, the same ones for the same seed. */
export function draw<T>(arb: fc.Arbitrary<T>, count: number, seed: number): T[] {
  return fc.sample(arb, { seed, numRuns: count });
}

/** A seed per fuzz target, so adding a target does not change the inputs of the others. */
export function seedFor(target: string, seed = FUZZ_SEED): number {
  let h = seed | 0;
  for (let i = 0; i < target.length; i++) h = Math.imul(h ^ target.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Strings that have broken parsers, routers and templating before. */
export const NASTY_STRINGS: readonly string[] = [
  "",
  " ",
  "null",
  "undefined",
  "0",
  "-1",
  "1e309",
  "NaN",
  "true",
  "[]",
  "{}",
  "__proto__",
  "constructor",
  "prototype",
  "../../../etc/passwd",
  "..%2f..%2fetc%2fpasswd",
  "%00",
  "%",
  "%zz",
  "%E0%A4%A",
  "%C0%AE",
  "\u0000",
  "\u0000\uffff",
  "\ud800",
  "\u202e",
  "😀👨‍👩‍👧",
  "<script>alert(1)</script>",
  "' OR 1=1 --",
  "$" + "{jndi:ldap://127.0.0.1/x}",
  "{{constructor.constructor('return 1')()}}",
  "amber-harbor-48",
  "amber-harbor-4822",
  "Amber-Harbor-482",
  "amber_harbor_482",
  "amber-harbor-482/",
  "a".repeat(5000),
];

export const nastyString = (): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
    { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
    { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 40 }) },
    { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 20 }) },
    { weight: 1, arbitrary: fc.nat({ max: 6000 }).map((n) => "x".repeat(n)) },
  );

/** Any JSON value, kept small. */
export const jsonValue = (): fc.Arbitrary<unknown> => fc.jsonValue({ maxDepth: 3 });

/** A value of the wrong kind for a field: numbers for strings, objects for numbers, and so on. */
export const wrongValue = (): fc.Arbitrary<unknown> =>
  fc.oneof(
    fc.constantFrom(
      null,
      true,
      false,
      0,
      -1,
      1.5,
      -0.0001,
      Number.POSITIVE_INFINITY,
      Number.MAX_SAFE_INTEGER + 2,
      [],
      {},
      "",
      [null],
    ),
    nastyString(),
    jsonValue(),
  );

/** Text that is not a JSON object: garbage, truncated JSON, deep nesting, prototype keys. */
export const notJsonText = (): fc.Arbitrary<string> =>
  fc.oneof(
    fc.string({ maxLength: 200 }),
    fc.string({ unit: "binary", maxLength: 200 }),
    fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v).slice(0, -1)),
    fc.constantFrom(
      "{",
      "}",
      '{"a":',
      "[",
      '{"action":"segment"',
      "\u0000",
      "\ufeff{}",
      "NaN",
      "undefined",
      `${"[".repeat(3000)}${"]".repeat(3000)}`,
      `${'{"a":'.repeat(2000)}1${"}".repeat(2000)}`,
      '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}',
    ),
  );

/** An object built from `valid` with exactly one thing wrong, so the whole must be refused. */
export function mutated(valid: Record<string, unknown>, extraOk: readonly string[] = []): fc.Arbitrary<unknown> {
  const keys = Object.keys(valid);
  return fc.oneof(
    // one field gets a wrong value
    fc.record({ key: fc.constantFrom(...keys), value: wrongValue() }).map(({ key, value }) => ({
      ...valid,
      [key]: value,
    })),
    // one required field goes missing
    fc.constantFrom(...keys).map((key) => {
      const copy: Record<string, unknown> = { ...valid };
      delete copy[key];
      return copy;
    }),
    // an unknown field appears (the schemas are strict)
    fc
      .record({
        key: fc.oneof(fc.string({ minLength: 1, maxLength: 12 }), fc.constantFrom("__proto__", "constructor", "role")),
        value: jsonValue(),
      })
      .filter(({ key }) => !keys.includes(key) && !extraOk.includes(key))
      // Through JSON text, so that `__proto__` stays an own key (as a server's JSON.parse sees it).
      .map(({ key, value }) =>
        JSON.parse(`${JSON.stringify(valid).slice(0, -1)},${JSON.stringify(key)}:${JSON.stringify(value ?? null)}}`),
      ),
    // not an object at all
    fc.oneof(fc.array(jsonValue(), { maxLength: 3 }), fc.constantFrom(null, 0, "x", true)),
  );
}

/** `Authorization` header values that must not prove anything (the caller adds near-misses of real tokens). */
export const badAuthorization = (nearMisses: readonly string[] = []): fc.Arbitrary<string | undefined> =>
  fc.oneof(
    fc.constant(undefined),
    fc.constantFrom("", "Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "bearer", "Token abc", "Bearer a b", ...nearMisses),
    fc
      .string({
        unit: fc.constantFrom(..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~+/="),
        maxLength: 80,
      })
      .map((t) => `Bearer ${t}`),
    fc.constantFrom(
      "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiJ9.",
      "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJsb2NhbC1vd25lciJ9.c2lnbmF0dXJl",
      "Bearer v1.e30.AAAA",
      `Bearer ${"A".repeat(8000)}`,
    ),
  );

/** Query strings of random keys and values, percent-encoded as a browser would, or not at all. */
export const queryString = (keys: readonly string[] = []): fc.Arbitrary<string> =>
  fc
    .array(
      fc.record({
        key: fc.oneof(fc.constantFrom(...keys, "a", "__proto__", ""), fc.string({ maxLength: 10 })),
        value: nastyString(),
        raw: fc.boolean(),
      }),
      { maxLength: 4 },
    )
    .map((pairs) =>
      pairs
        .map(({ key, value, raw }) =>
          raw
            ? `${encodeComponent(key)}=${value.replace(/[^\x21-\x7e]/g, "").replace(/[#]/g, "%23")}`
            : `${encodeComponent(key)}=${encodeComponent(value)}`,
        )
        .join("&"),
    );

/** `encodeURIComponent` that does not throw on lone surrogates (they become U+FFFD, as a browser sends them). */
export function encodeComponent(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    return encodeURIComponent(Buffer.from(s, "utf8").toString("utf8"));
  }
}

/** A path segment: percent-encoded hostile text, or raw malformed escapes. */
export const pathSegment = (): fc.Arbitrary<string> =>
  fc.oneof(
    nastyString().map(encodeComponent),
    fc.constantFrom("%", "%zz", "%E0%A4%A", "%ff", "%C0%AE%C0%AE", "..", ".", "%2e%2e", "%2F", "x%00y"),
  );

/** Extra request headers that must change nothing. */
export const noiseHeaders = (): fc.Arbitrary<Record<string, string>> =>
  fc.dictionary(
    fc.constantFrom(
      "x-forwarded-for",
      "x-real-ip",
      "forwarded",
      "origin",
      "referer",
      "cookie",
      "x-http-method-override",
      "x-amz-date",
      "accept",
      "accept-encoding",
      "x-custom",
    ),
    fc.string({
      unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz0123456789 ,;=:/.-_%*"),
      maxLength: 60,
    }),
    { maxKeys: 3 },
  );
