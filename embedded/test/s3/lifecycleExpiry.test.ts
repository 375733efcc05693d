import { describe, expect, it } from "vitest";
import { expiredObjects, expiresAt } from "../../src/s3/lifecycleExpiry.js";

const DAY = 86_400_000;
const object = (key: string, lastModified: number) => ({
  key,
  lastModified,
  bytes: 1,
  contentType: "audio/webm",
  etag: '""',
});

describe("lifecycle expiration", () => {
  it("expires an object the rule's days after creation, at the next midnight UTC", () => {
    const created = Date.UTC(2026, 11, 6, 19, 0, 0);
    expect(new Date(expiresAt(created, 30)).toISOString()).toBe("2027-01-06T00:00:00.000Z");
  });

  it("picks only objects under the rule's prefix whose time has come", () => {
    const created = Date.UTC(2026, 11, 6, 19, 0, 0);
    const objects = [
      object("recordings/a/en.webm", created),
      object("other/en.webm", created),
      object("recordings/b/es.webm", created + 2 * DAY),
    ];
    const now = expiresAt(created, 30);
    expect(expiredObjects(objects, { prefix: "recordings/", days: 30 }, now).map((o) => o.key)).toEqual([
      "recordings/a/en.webm",
    ]);
    expect(expiredObjects(objects, { prefix: "recordings/", days: 30 }, now - 1)).toEqual([]);
  });
});
