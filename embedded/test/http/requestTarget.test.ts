import { describe, expect, it } from "vitest";
import { resolvedPath, splitRequestTarget } from "../../src/http/requestTarget.js";

describe("splitRequestTarget", () => {
  it("splits the path from the query at the first question mark", () => {
    expect(splitRequestTarget("/aws/polly/v1/voices?Engine=standard&x=a?b")).toEqual({
      path: "/aws/polly/v1/voices",
      rawQuery: "Engine=standard&x=a?b",
    });
  });

  it("keeps the path exactly as sent, as SigV4 signs it", () => {
    expect(splitRequestTarget("//aws/../kvs/%2Fx").path).toBe("//aws/../kvs/%2Fx");
  });

  it("reads a missing target as the root with no query", () => {
    expect(splitRequestTarget(undefined)).toEqual({ path: "/", rawQuery: "" });
    expect(splitRequestTarget("/x?")).toEqual({ path: "/x", rawQuery: "" });
  });
});

describe("resolvedPath", () => {
  it("resolves dot segments and drops the query, as a browser would", () => {
    expect(resolvedPath("/console/assets/../index.html?session=a")).toBe("/console/index.html");
    expect(resolvedPath(undefined)).toBe("/");
  });
});
