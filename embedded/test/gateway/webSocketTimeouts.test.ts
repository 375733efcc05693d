import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WEBSOCKET_SETTINGS_SECTION } from "../../src/gateway/webSocketLimits.js";
import { type Harness, openSocket, startHarness, wsUrl } from "./harness.js";

const IDLE_MS = 1500;

let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    sessions: { countsDebounceMs: 20 },
    [WEBSOCKET_SETTINGS_SECTION]: { idleTimeoutMs: IDLE_MS },
  });
});
afterAll(async () => {
  await h?.stop();
});

describe("the product under API Gateway's idle timeout (shortened)", () => {
  it("a silent listener is closed with 1001 and counted out through its $disconnect; a talking console stays", async () => {
    const created = await h.api("POST", "/sessions", { title: "Quiet", sourceLanguage: "en" }, h.ownerToken);
    expect(created.status, created.text).toBe(201);
    const id = created.json.id as string;
    const consoleWs = await openSocket(wsUrl(h, { role: "console", sessionId: id, token: h.ownerToken }));
    // The console has something to say more often than the idle timeout.
    const talking = setInterval(() => consoleWs.send({ action: "hello" }), IDLE_MS / 4);
    try {
      const join = await h.api("POST", `/sessions/${id}/listeners`, { language: "en" });
      const listener = await openSocket(wsUrl(h, { role: "listener", sessionId: id, token: join.json.listenerToken }));
      const closed = new Promise<number>((resolve) => listener.ws.once("close", (code) => resolve(code)));
      await consoleWs.next("listener-counts", 5000, (m) => m.total === 1);
      expect(await closed).toBe(1001);
      await consoleWs.next("listener-counts", 5000, (m) => m.total === 0);
      expect(consoleWs.ws.readyState).toBe(consoleWs.ws.OPEN);
    } finally {
      clearInterval(talking);
      await consoleWs.close();
    }
  }, 30_000);
});
