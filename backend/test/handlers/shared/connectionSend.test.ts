import type { ServerMessage } from "@babelcast/protocol";
import { describe, expect, it } from "vitest";
import type { BackendDeps } from "../../../src/handlers/shared/backendDeps.js";
import { postToEach } from "../../../src/handlers/shared/connectionSend.js";
import type { ConnectionRecord } from "../../../src/tables/records.js";

const NOW = 1_800_000_000_000;
const message: ServerMessage = { type: "partial", text: "Hello" };

/** Deps whose gateway answers Gone for every connection (as API Gateway does before `$connect` returns). */
function goneEverywhere(): BackendDeps {
  return {
    now: () => NOW,
    sockets: { send: async () => false },
    log: { info() {}, warn() {}, error() {} },
  } as unknown as BackendDeps;
}

const connection = (connectionId: string, connectedAt: number): ConnectionRecord => ({
  connectionId,
  sessionId: "brave-otter-123",
  role: "listener",
  listenerId: `l-${connectionId}`,
  language: "en",
  connectedAt,
  expiresAt: Math.ceil(NOW / 1000) + 3600,
});

describe("postToEach", () => {
  it("does not report as gone a connection still inside its $connect window, but does an older one", async () => {
    const connecting = connection("connecting", NOW - 2_000);
    const old = connection("old", NOW - 120_000);
    const { delivered, gone } = await postToEach(goneEverywhere(), [connecting, old], message);
    expect(delivered).toBe(0);
    expect(gone.map((c) => c.connectionId)).toEqual(["old"]);
  });
});
