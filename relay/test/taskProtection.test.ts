import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { PROTECTION_MINUTES, PROTECTION_RENEW_MS, protectionRequest, TaskProtection } from "../src/taskProtection.js";

describe("protectionRequest", () => {
  it("protects a task that starts forwarding listeners, for the set minutes", () => {
    expect(protectionRequest(undefined, 3, false, 0)).toEqual({
      ProtectionEnabled: true,
      ExpiresInMinutes: PROTECTION_MINUTES,
    });
  });

  it("sends nothing while protection is fresh, and renews it once a third of its period has passed", () => {
    const last = { enabled: true, sentAt: 1_000 };
    expect(protectionRequest(last, 3, false, 1_000 + PROTECTION_RENEW_MS - 1)).toBeUndefined();
    expect(protectionRequest(last, 3, false, 1_000 + PROTECTION_RENEW_MS)).toEqual({
      ProtectionEnabled: true,
      ExpiresInMinutes: PROTECTION_MINUTES,
    });
  });

  it("lifts protection when the last listener leaves, and when the relay drains with listeners", () => {
    const last = { enabled: true, sentAt: 0 };
    expect(protectionRequest(last, 0, false, 10)).toEqual({ ProtectionEnabled: false });
    expect(protectionRequest(last, 5, true, 10)).toEqual({ ProtectionEnabled: false });
  });

  it("sends nothing for an idle task that was never protected or already unprotected", () => {
    expect(protectionRequest(undefined, 0, false, 0)).toBeUndefined();
    expect(protectionRequest({ enabled: false, sentAt: 0 }, 0, false, 10)).toBeUndefined();
  });

  it("keeps the renewal within the endpoint's 1 to 2,880 minutes", () => {
    expect(PROTECTION_MINUTES).toBeGreaterThanOrEqual(1);
    expect(PROTECTION_MINUTES).toBeLessThanOrEqual(2880);
    expect(PROTECTION_RENEW_MS).toBeLessThan(PROTECTION_MINUTES * 60_000);
  });
});

describe("TaskProtection against an HTTP endpoint shaped as the container agent's", () => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

  async function endpoint(answer: (body: unknown) => { status: number; body: unknown }) {
    const requests: { method: string; path: string; type: string; body: unknown }[] = [];
    server = createServer((req: IncomingMessage, res) => {
      let text = "";
      req.on("data", (d: Buffer) => {
        text += d.toString();
      });
      req.on("end", () => {
        const body = JSON.parse(text) as unknown;
        requests.push({ method: req.method ?? "", path: req.url ?? "", type: req.headers["content-type"] ?? "", body });
        const out = answer(body);
        res.writeHead(out.status, { "content-type": "application/json" }).end(JSON.stringify(out.body));
      });
    });
    await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    return { uri: `http://127.0.0.1:${port}/api/task-id`, requests };
  }

  it("PUTs the state path with JSON, then lifts protection when the listeners are gone", async () => {
    const { uri, requests } = await endpoint(() => ({
      status: 200,
      body: { protection: { ProtectionEnabled: true } },
    }));
    const protection = new TaskProtection(uri, () => {});
    await protection.update(2, false, 0);
    await protection.update(2, false, 10_000);
    await protection.update(0, false, 20_000);
    expect(requests).toEqual([
      {
        method: "PUT",
        path: "/api/task-id/task-protection/v1/state",
        type: "application/json",
        body: { ProtectionEnabled: true, ExpiresInMinutes: PROTECTION_MINUTES },
      },
      {
        method: "PUT",
        path: "/api/task-id/task-protection/v1/state",
        type: "application/json",
        body: { ProtectionEnabled: false },
      },
    ]);
  });

  it("logs a refusal and tries again at the next report instead of taking it as done", async () => {
    let refuse = true;
    const { uri, requests } = await endpoint(() =>
      refuse
        ? { status: 400, body: { error: { Code: "AccessDeniedException", Message: "not authorized" } } }
        : { status: 200, body: { protection: { ProtectionEnabled: true } } },
    );
    const logged: string[] = [];
    const protection = new TaskProtection(uri, (message) => logged.push(message));
    await protection.update(1, false, 0);
    refuse = false;
    await protection.update(1, false, 10_000);
    await protection.update(1, false, 20_000);
    expect(logged).toEqual(["task protection refused"]);
    expect(requests).toHaveLength(2);
  });
});
