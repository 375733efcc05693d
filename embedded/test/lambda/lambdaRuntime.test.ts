import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it, vi } from "vitest";
import { FunctionError, LambdaRuntime, PayloadTooLargeError } from "../../src/lambda/lambdaRuntime.js";
import { LambdaSettings } from "../../src/lambda/lambdaSettings.js";

const PROBE = fileURLToPath(new URL("./fixtures/probeHandler.ts", import.meta.url));
const silent = { info() {}, warn() {}, error() {} };
const cacheDir = mkdtempSync(join(tmpdir(), "babelcast-bundles-"));
let runtime: LambdaRuntime | undefined;

async function start(settings: Partial<LambdaSettings> = {}, timeoutSeconds = 5): Promise<LambdaRuntime> {
  runtime = await LambdaRuntime.start({
    functions: [
      { name: "Probe", entry: PROBE, memorySize: 256, timeoutSeconds, environment: { PROBE_SETTING: "from-stack" } },
    ],
    settings: LambdaSettings.parse(settings),
    region: "us-east-1",
    accountId: "000000000000",
    log: silent,
    bundleCacheDir: cacheDir,
  });
  return runtime;
}

afterEach(async () => {
  await runtime?.close();
  runtime = undefined;
});

process.on("exit", () => rmSync(cacheDir, { recursive: true, force: true }));

interface Count {
  invocations: number;
  threadId: number;
}

/** Waits until `count` environments of the probe have finished their init, invoked or not. */
async function untilInitialized(lambda: LambdaRuntime, count: number): Promise<void> {
  await vi.waitFor(async () => expect((await lambda.stats("Probe")).coldStartsMs).toHaveLength(count), {
    timeout: 10_000,
  });
}

describe("Lambda runtime: isolated execution environments", () => {
  it("spreads invocations across containers, each with its own module state", async () => {
    const lambda = await start({ containersPerFunction: 3 });
    const counts: Count[] = [];
    for (let i = 0; i < 6; i++) counts.push(await lambda.invoke<Count>("Probe", { action: "count" }));
    expect(new Set(counts.map((c) => c.threadId)).size).toBe(3);
    // A counter in module scope diverges across containers: no container saw all six invocations.
    expect(counts.map((c) => c.invocations)).toEqual([1, 1, 1, 2, 2, 2]);
    expect((await lambda.stats("Probe")).containersStarted).toBe(3);
  });

  it("recycles a container after N invocations, and its module state is lost", async () => {
    const lambda = await start({ containersPerFunction: 1, recycleAfterInvocations: 2 });
    const counts: Count[] = [];
    for (let i = 0; i < 5; i++) counts.push(await lambda.invoke<Count>("Probe", { action: "count" }));
    expect(counts.map((c) => c.invocations)).toEqual([1, 2, 1, 2, 1]);
    expect(new Set(counts.map((c) => c.threadId)).size).toBe(3);
  });

  it("recycles an idle container, and its module state is lost", async () => {
    const lambda = await start({ containersPerFunction: 1, recycleAfterIdleMs: 100 });
    const first = await lambda.invoke<Count>("Probe", { action: "count" });
    expect((await lambda.invoke<Count>("Probe", { action: "count" })).invocations).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const later = await lambda.invoke<Count>("Probe", { action: "count" });
    expect(later.invocations).toBe(1);
    expect(later.threadId).not.toBe(first.threadId);
  });

  it("pre-initializes the replacement of a container recycled after its invocations, with fresh module state", async () => {
    const lambda = await start({ containersPerFunction: 1, recycleAfterInvocations: 2 });
    const first = await lambda.invoke<Count>("Probe", { action: "count" });
    await lambda.invoke<Count>("Probe", { action: "count" });
    // The replacement starts and finishes its init with no invocation waiting for it.
    await untilInitialized(lambda, 2);
    expect((await lambda.stats("Probe")).invocations).toBe(2);
    const next = await lambda.invoke<Count>("Probe", { action: "count" });
    expect(next.invocations).toBe(1);
    expect(next.threadId).not.toBe(first.threadId);
    expect((await lambda.stats("Probe")).containersStarted).toBe(2);
  });

  it("pre-initializes the container the next invocation goes to, and recycles it when none comes", async () => {
    const lambda = await start({ containersPerFunction: 3, recycleAfterIdleMs: 1000 });
    await lambda.invoke<Count>("Probe", { action: "count" });
    await untilInitialized(lambda, 2);
    expect((await lambda.stats("Probe")).containersStarted).toBe(2);
    const second = await lambda.invoke<Count>("Probe", { action: "count" });
    expect(second.invocations).toBe(1);
    // The one after it is pre-initialized too; left idle, all are recycled and nothing starts in their place.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const started = (await lambda.stats("Probe")).containersStarted;
    expect(started).toBe(3);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect((await lambda.stats("Probe")).containersStarted).toBe(started);
  });

  it("runs one invocation at a time per container and queues when all are busy", async () => {
    const lambda = await start({ containersPerFunction: 2 });
    const started = Date.now();
    const results = await Promise.all(
      [0, 1, 2, 3].map(() => lambda.invoke<{ threadId: number }>("Probe", { action: "sleep", ms: 300 })),
    );
    const elapsed = Date.now() - started;
    expect(new Set(results.map((r) => r.threadId)).size).toBe(2);
    // Two rounds of 300 ms: the third and fourth waited for a free container.
    expect(elapsed).toBeGreaterThanOrEqual(600);
    expect((await lambda.stats("Probe")).containersStarted).toBe(2);
  });

  it("ends an invocation at the function's timeout and replaces the container", async () => {
    const lambda = await start({ containersPerFunction: 1 }, 1);
    const error = await lambda.invoke("Probe", { action: "sleep", ms: 3000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FunctionError);
    expect((error as FunctionError).runtimeError).toMatchObject({
      errorType: "Sandbox.Timedout",
      errorMessage: "Task timed out after 1.00 seconds",
    });
    // A fresh environment: the counter starts again.
    expect((await lambda.invoke<Count>("Probe", { action: "count" })).invocations).toBe(1);
  });

  it("refuses results that are not JSON, as the Node.js runtime does", async () => {
    const lambda = await start({ containersPerFunction: 1 });
    for (const what of ["function", "circular", "bigint"]) {
      const error = await lambda.invoke("Probe", { action: "return", what }).catch((e: unknown) => e);
      expect(error, what).toBeInstanceOf(FunctionError);
      expect((error as FunctionError).runtimeError.errorType).toBe("Runtime.MarshalError");
    }
    // What JSON can carry arrives as JSON would: a Date as its string, undefined as null.
    expect(await lambda.invoke("Probe", { action: "return", what: "date" })).toEqual({
      at: "1970-01-01T00:00:00.000Z",
    });
    expect(await lambda.invoke("Probe", { action: "return", what: "undefined" })).toBeNull();
  });

  it("delivers the event as JSON: what JSON cannot carry does not arrive", async () => {
    const lambda = await start({ containersPerFunction: 1 });
    expect(await lambda.invoke("Probe", { action: "echo", value: { at: new Date(0), gone: undefined } })).toEqual({
      received: { at: "1970-01-01T00:00:00.000Z" },
      type: "object",
    });
    expect(await lambda.invoke("Probe", { action: "echo", value: Buffer.from("hi") })).toEqual({
      received: { type: "Buffer", data: [104, 105] },
      type: "object",
    });
  });

  it("refuses events over the 6 MB synchronous payload limit without running the function", async () => {
    const lambda = await start({ containersPerFunction: 1 });
    const huge = { action: "echo", value: "x".repeat(6 * 1024 * 1024) };
    await expect(lambda.invoke("Probe", huge)).rejects.toBeInstanceOf(PayloadTooLargeError);
    expect((await lambda.stats("Probe")).invocations).toBe(0);
  });

  it("reports a thrown error with its type and message", async () => {
    const lambda = await start({ containersPerFunction: 1 });
    const error = (await lambda.invoke("Probe", { action: "throw", message: "boom" }).catch((e) => e)) as FunctionError;
    expect(error.runtimeError).toMatchObject({ errorType: "TypeError", errorMessage: "boom" });
  });

  it("freezes the environment between invocations: work left running after a return waits", async () => {
    const lambda = await start({ containersPerFunction: 1 });
    const file = join(cacheDir, `after-return-${Date.now()}.txt`);
    await lambda.invoke("Probe", { action: "writeAfterReturn", ms: 50, file });
    await new Promise((resolve) => setTimeout(resolve, 400));
    // Frozen: the timer could not fire while no invocation ran.
    expect(existsSync(file)).toBe(false);
    // Thawed by the next invocation, the overdue timer runs (as it would in Lambda).
    await lambda.invoke("Probe", { action: "count" });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(existsSync(file)).toBe(true);
  });

  it("gives the handler the stack's environment and a Lambda context", async () => {
    const lambda = await start({ containersPerFunction: 1 }, 7);
    expect(await lambda.invoke("Probe", { action: "env", name: "PROBE_SETTING" })).toEqual({ value: "from-stack" });
    expect(await lambda.invoke("Probe", { action: "env", name: "HOME" })).toEqual({ value: null });
    const context = await lambda.invoke<{ remainingMs: number; functionName: string }>("Probe", {
      action: "context",
    });
    expect(context.functionName).toBe("Probe");
    expect(context.remainingMs).toBeGreaterThan(5000);
    expect(context.remainingMs).toBeLessThanOrEqual(7000);
  });
});
