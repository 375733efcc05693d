import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { vocabulariesFor } from "../../src/transcribe/vocabularyStore.js";
import { type Harness, startHarness } from "./harness.js";

/**
 * The glossary as a Transcribe custom vocabulary, kept by the owner function (the console's
 * role may only stream): created with the session, rebuilt when the glossary changes, named
 * to the console once READY, and deleted when the session ends.
 */
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

const stored = (name: string) => vocabulariesFor(h.server.context).get(name);

describe("session glossary vocabulary", () => {
  it("is created with the session, follows the glossary and goes when the session ends", async () => {
    const created = await h.api(
      "POST",
      "/sessions",
      {
        title: "Vocabulary",
        sourceLanguage: "en",
        targetLanguages: ["es"],
        glossary: [
          { source: "Babelcast", targets: {} },
          { source: "Los Angeles", targets: {} },
        ],
      },
      h.ownerToken,
    );
    expect(created.status, created.text).toBe(201);
    const id = created.json.id as string;
    const name = `babelcast-${id}`;
    expect(created.json.vocabulary).toEqual({ name, state: "READY" });
    expect(stored(name)?.words.map((w) => w.word)).toEqual(["Babelcast", "Los Angeles"]);

    const got = await h.api("GET", `/sessions/${id}`, undefined, h.ownerToken);
    expect(got.json.vocabulary).toEqual({ name, state: "READY" });
    // Listeners see neither the glossary nor its vocabulary.
    const pub = await h.api("GET", `/sessions/${id}`);
    expect(pub.json.vocabulary).toBeUndefined();

    const changed = await h.api(
      "PATCH",
      `/sessions/${id}`,
      { glossary: [{ source: "Dashwood", targets: {} }] },
      h.ownerToken,
    );
    expect(changed.status, changed.text).toBe(200);
    expect(changed.json.vocabulary).toEqual({ name, state: "READY" });
    expect(stored(name)?.words.map((w) => w.word)).toEqual(["Dashwood"]);

    const ended = await h.api("DELETE", `/sessions/${id}`, undefined, h.ownerToken);
    expect(ended.status, ended.text).toBe(200);
    expect(stored(name)).toBeUndefined();
  });

  it("is deleted when the glossary loses its last usable term, and absent without a glossary", async () => {
    const created = await h.api(
      "POST",
      "/sessions",
      {
        title: "Plain",
        sourceLanguage: "en",
        targetLanguages: ["es"],
        glossary: [{ source: "Babelcast", targets: {} }],
      },
      h.ownerToken,
    );
    const id = created.json.id as string;
    const cleared = await h.api("PATCH", `/sessions/${id}`, { glossary: [] }, h.ownerToken);
    expect(cleared.status, cleared.text).toBe(200);
    expect(cleared.json.vocabulary).toBeUndefined();
    expect(stored(`babelcast-${id}`)).toBeUndefined();
  });
});
