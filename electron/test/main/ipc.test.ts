import { beforeEach, describe, expect, it, vi } from "vitest";

const known = new Set<object>();
vi.mock("electron", () => ({
  app: {},
  shell: {},
  ipcMain: { handle: vi.fn() },
  BrowserWindow: { fromWebContents: (wc: object) => (known.has(wc) ? {} : null) },
}));

const { isTrustedSender } = await import("../../src/main/ipc.js");

const ORIGIN = "http://127.0.0.1:8080";
const ours = {};
const event = (sender: object, url: string, parent: object | null = null) =>
  ({ sender, senderFrame: { url, parent } }) as unknown as Parameters<typeof isTrustedSender>[0];

describe("IPC sender check", () => {
  beforeEach(() => {
    known.clear();
    known.add(ours);
  });

  it("accepts the top frame of our own window showing our origin", () => {
    expect(isTrustedSender(event(ours, `${ORIGIN}/console/`), ORIGIN)).toBe(true);
  });

  it("refuses windows we did not create, sub-frames, and pages on another origin", () => {
    expect(isTrustedSender(event({}, `${ORIGIN}/console/`), ORIGIN)).toBe(false);
    expect(isTrustedSender(event(ours, `${ORIGIN}/console/`, {}), ORIGIN)).toBe(false);
    expect(isTrustedSender(event(ours, "https://evil.example/"), ORIGIN)).toBe(false);
  });
});
