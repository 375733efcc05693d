import type { ConfigDocument, SessionOwnerView } from "@babelcast/protocol";
import { describe, expect, it } from "vitest";
import {
  ConsoleApi,
  ConsoleApiError,
  explainApiFailure,
  sessionToReopen,
} from "../../../src/renderer/session/consoleApi.js";

const config: ConfigDocument = {
  version: 1,
  mode: "embedded",
  region: "us-east-1",
  apiUrl: "http://127.0.0.1:8080/api",
  webSocketUrl: "ws://127.0.0.1:8080/ws",
  events: {
    httpUrl: "http://127.0.0.1:8080/aws/appsync-events/event",
    realtimeUrl: "ws://127.0.0.1:8080/aws/appsync-events/event/realtime",
  },
  listenerUrl: "http://127.0.0.1:8080",
  auth: { kind: "owner-token" },
};

const view = (id: string, status: SessionOwnerView["status"], createdAt: number): SessionOwnerView => ({
  id,
  title: id,
  sourceLanguage: "en",
  targetLanguages: ["es"],
  status,
  muted: false,
  passcodeRequired: false,
  transcriptPublic: false,
  glossary: [],
  voices: {},
  audioCapacity: 100,
  createdAt,
  listenerPageUrl: `http://127.0.0.1:8080/s/${id}`,
  embedOrigins: [],
  channels: [],
});

describe("console API client", () => {
  it("sends the owner token and validates the answer", async () => {
    const calls: Array<[string, RequestInit | undefined]> = [];
    const api = new ConsoleApi(
      config,
      () => "tok",
      async (url, init) => {
        calls.push([String(url), init]);
        return new Response(JSON.stringify({ sessions: [view("amber-harbor-482", "live", 1)] }), { status: 200 });
      },
    );
    const sessions = await api.listSessions();
    expect(sessions[0]?.id).toBe("amber-harbor-482");
    expect(calls[0]?.[0]).toBe("http://127.0.0.1:8080/api/sessions");
    expect((calls[0]?.[1]?.headers ?? {}) as Record<string, string>).toMatchObject({ authorization: "Bearer tok" });
  });

  it("turns a refused token and an unreachable server into instructions", async () => {
    const refused = new ConsoleApi(
      config,
      () => "bad",
      async () =>
        new Response(JSON.stringify({ error: { code: "Unauthorized", message: "bad owner token" } }), { status: 401 }),
    );
    await expect(refused.listSessions()).rejects.toMatchObject({
      status: 401,
      message: expect.stringMatching(/npm start/),
    });
    const down = new ConsoleApi(
      config,
      () => "t",
      async () => {
        throw new TypeError("Failed to fetch");
      },
    );
    const err = await down.listSessions().catch((e: ConsoleApiError) => e);
    expect(err).toBeInstanceOf(ConsoleApiError);
    expect((err as ConsoleApiError).message).toMatch(/Cannot reach the Babelcast server at 127.0.0.1:8080/);
    expect(explainApiFailure(503, "Busy", "x", config.apiUrl)).toMatch(/Retry/);
  });

  it("reopens the newest session that has not ended", () => {
    expect(
      sessionToReopen([view("a-b-001", "ended", 3), view("c-d-002", "live", 2), view("e-f-003", "paused", 1)])?.id,
    ).toBe("c-d-002");
    expect(sessionToReopen([view("a-b-001", "ended", 3)])).toBeUndefined();
  });
});
