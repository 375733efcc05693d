import { describe, expect, it } from "vitest";
import { UpdateSessionRequest } from "../src/api.js";
import { embedOriginProblem, embedOriginsProblems, frameAncestors, MAX_EMBED_ORIGINS } from "../src/embedOrigins.js";

describe("embed origins", () => {
  it("accepts https origins, and plain http only on loopback", () => {
    for (const ok of [
      "https://www.example.org",
      "https://church.example:8443",
      "http://localhost:5173",
      "http://127.0.0.1:8080",
    ])
      expect(embedOriginProblem(ok), ok).toBeUndefined();
  });

  it("refuses http on a public host, paths, wildcards, other schemes and non-URLs, saying how to write it", () => {
    expect(embedOriginProblem("http://www.example.org")).toContain("must start with https://");
    expect(embedOriginProblem("https://www.example.org/page")).toContain("like https://www.example.org");
    expect(embedOriginProblem("https://www.example.org/")).toContain("origin only");
    expect(embedOriginProblem("https://*.example.org")).toContain("no wildcards");
    expect(embedOriginProblem("https://a.example;script-src")).toContain("one site");
    expect(embedOriginProblem("ftp://example.org")).toContain("https://");
    expect(embedOriginProblem("www.example.org")).toContain("is not an origin");
    expect(embedOriginProblem("'self'")).toContain("is not an origin");
  });

  it("refuses a list with repeats or too many origins", () => {
    expect(embedOriginsProblems(["https://a.example", "https://a.example"])).toContain("an origin is listed twice");
    const many = Array.from({ length: MAX_EMBED_ORIGINS + 1 }, (_, i) => `https://s${i}.example`);
    expect(embedOriginsProblems(many).join()).toContain(`at most ${MAX_EMBED_ORIGINS}`);
  });

  it("makes frame-ancestors 'none' from an empty list and the origins otherwise", () => {
    expect(frameAncestors([])).toBe("'none'");
    expect(frameAncestors(["https://a.example", "http://localhost:3000"])).toBe(
      "https://a.example http://localhost:3000",
    );
  });

  it("is what a session update checks: a bad origin fails the whole update", () => {
    expect(UpdateSessionRequest.safeParse({ embedOrigins: ["https://a.example"] }).success).toBe(true);
    const bad = UpdateSessionRequest.safeParse({ embedOrigins: ["https://a.example", "http://b.example"] });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.message).toContain("must start with https://");
  });
});
