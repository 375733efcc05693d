// One Lambda execution environment ("container"), run as a worker thread by lambdaContainer.ts.
// Plain JavaScript: a worker loads this file without the TypeScript loader the tests use.
//
// Like the Node.js runtime of Lambda it loads the function's code once (init), then takes
// one invocation at a time: the event arrives as JSON text, the result leaves as JSON text
// (JSON.stringify, as the runtime interface client does), and between invocations the
// environment is frozen: nothing in it runs (timers, sockets, unawaited promises) until
// the next invocation thaws it.
// https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html
import { randomUUID } from "node:crypto";
import { receiveMessageOnPort, workerData } from "node:worker_threads";

/** @type {{ handlerUrl: string, port: import("node:worker_threads").MessagePort, wake: SharedArrayBuffer, context: { functionName: string, functionVersion: string, invokedFunctionArn: string, memoryLimitInMB: string, logGroupName: string, logStreamName: string } }} */
const { handlerUrl, port, wake, context: staticContext } = workerData;
const wakeFlag = new Int32Array(wake);

/** An error as the runtime reports it: errorType, errorMessage, trace. */
function toRuntimeError(err) {
  if (err instanceof Error) {
    return { errorType: err.name, errorMessage: err.message, trace: String(err.stack ?? "").split("\n") };
  }
  return { errorType: "Error", errorMessage: String(err), trace: [] };
}

/** JSON.stringify as the Node.js runtime interface client does it (undefined answers null). */
function serializeResult(result) {
  let text;
  try {
    text = JSON.stringify(result === undefined ? null : result);
  } catch (err) {
    throw Object.assign(new Error(`Unable to stringify response body: ${err.message}`), {
      name: "Runtime.MarshalError",
    });
  }
  if (text === undefined) {
    throw Object.assign(new Error(`Unable to stringify response body: a ${typeof result} is not JSON`), {
      name: "Runtime.MarshalError",
    });
  }
  return text;
}

/** Blocks this thread until the next invocation arrives: the environment is frozen meanwhile. */
function nextInvocation() {
  for (;;) {
    const received = receiveMessageOnPort(port);
    if (received) return received.message;
    Atomics.wait(wakeFlag, 0, 0);
    Atomics.store(wakeFlag, 0, 0);
  }
}

async function init() {
  const started = performance.now();
  try {
    const module = await import(handlerUrl);
    if (typeof module.handler !== "function") {
      throw Object.assign(new Error(`${handlerUrl} does not export a function named handler`), {
        name: "Runtime.HandlerNotFound",
      });
    }
    port.postMessage({ kind: "ready", initMs: performance.now() - started });
    return module.handler;
  } catch (err) {
    port.postMessage({ kind: "initError", error: toRuntimeError(err) });
    return undefined;
  }
}

async function run() {
  const handler = await init();
  if (!handler) return;
  for (;;) {
    const { requestId, deadlineMs, payload } = nextInvocation();
    // Thawed: let I/O that arrived while frozen (closed keep-alive sockets) be seen first,
    // as the runtime's own /next request gives it a turn of the event loop in Lambda.
    await new Promise((resolve) => setImmediate(resolve));
    const context = {
      ...staticContext,
      awsRequestId: requestId ?? randomUUID(),
      callbackWaitsForEmptyEventLoop: true,
      getRemainingTimeInMillis: () => Math.max(0, deadlineMs - Date.now()),
    };
    try {
      const result = await handler(JSON.parse(payload), context);
      port.postMessage({ kind: "result", requestId, payload: serializeResult(result) });
    } catch (err) {
      port.postMessage({ kind: "error", requestId, error: toRuntimeError(err) });
    }
  }
}

void run();
