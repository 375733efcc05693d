import type { IncomingMessage, ServerResponse } from "node:http";
import { FUNCTION_SETTINGS } from "@babelcast/backend/handlers/functionSettings.js";
import { PATHS } from "@babelcast/protocol";
import type { CallerDirectory } from "../auth/callerDirectory.js";
import type { SigV4Verifier } from "../auth/sigv4Verifier.js";
import type { FaultSwitch } from "../faults.js";
import { answerAwsRequest, requireAllowed } from "../http/awsEndpoint.js";
import { AwsServiceError, REST_JSON, requestIdHeader } from "../http/awsResponses.js";
import { splitRequestTarget } from "../http/requestTarget.js";
import { FunctionError } from "./lambdaContainer.js";
import { type LambdaRuntime, MAX_SYNC_PAYLOAD_BYTES, PayloadTooLargeError } from "./lambdaRuntime.js";

/**
 * Lambda's Invoke API for the embedded runtime's functions, as AWS documents it
 * (https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html):
 * `POST /2015-03-31/functions/{FunctionName}/invocations` under `/aws/lambda`, SigV4 (service
 * `lambda`). A function error is still a 200, flagged by `X-Amz-Function-Error` with the error
 * object as payload; an unknown function is a 404 ResourceNotFoundException, a payload over
 * 6 MB a 413 RequestTooLargeException.
 */

export interface InvokeEndpointOptions {
  readonly runtime: LambdaRuntime;
  readonly verifier: SigV4Verifier;
  readonly callers: CallerDirectory;
  readonly faults: FaultSwitch;
  readonly region: string;
  readonly accountId: string;
  readonly log: { error(message: string, fields?: Record<string, unknown>): void };
}

/** The one function another function may invoke (the permission table's "poolGrowthFunction" resource). */
const POOL_GROWTH_FUNCTION: string = FUNCTION_SETTINGS.PoolGrowthFunction.id;

const INVOCATIONS_RE = new RegExp(`^${PATHS.lambda}/2015-03-31/functions/([^/]+)/invocations$`);

/** The function a FunctionName names: its name, or its ARN in this Region and account (unqualified or `$LATEST`). */
function functionNameOf(raw: string, region: string, accountId: string): { name: string; qualifier?: string } {
  const prefix = `arn:aws:lambda:${region}:${accountId}:function:`;
  if (!raw.startsWith(prefix)) return { name: raw };
  const [name = "", qualifier] = raw.slice(prefix.length).split(":");
  return qualifier === undefined ? { name } : { name, qualifier };
}

function notFound(name: string, options: InvokeEndpointOptions): AwsServiceError {
  return new AwsServiceError(
    "ResourceNotFoundException",
    404,
    `Function not found: arn:aws:lambda:${options.region}:${options.accountId}:function:${name}`,
  );
}

function sendPayload(res: ServerResponse, payload: string, functionError?: string): void {
  res.writeHead(200, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(payload),
    "x-amz-executed-version": "$LATEST",
    ...(functionError ? { "x-amz-function-error": functionError } : {}),
    ...requestIdHeader(),
  });
  res.end(payload);
}

export async function handleInvokeRequest(
  req: IncomingMessage,
  res: ServerResponse,
  options: InvokeEndpointOptions,
): Promise<void> {
  await answerAwsRequest(
    req,
    res,
    {
      verifier: options.verifier,
      faults: options.faults,
      maxBodyBytes: MAX_SYNC_PAYLOAD_BYTES,
      bodyTooLarge: () =>
        new AwsServiceError(
          "RequestTooLargeException",
          413,
          `Request must be smaller than ${MAX_SYNC_PAYLOAD_BYTES} bytes for the InvokeFunction operation`,
        ),
      throttleError: () => new AwsServiceError("TooManyRequestsException", 429, "Rate Exceeded."),
      internalError: () => new AwsServiceError("ServiceException", 500, "Internal error (injected fault)."),
      protocol: REST_JSON,
      service: "Lambda",
      log: options.log,
    },
    async (body) => {
      const { path, rawQuery } = splitRequestTarget(req.url);
      const match = INVOCATIONS_RE.exec(path);
      if (req.method !== "POST" || !match) {
        throw new AwsServiceError("UnknownOperationException", 404, `No operation at ${req.method} ${path}.`);
      }
      const target = functionNameOf(decodeURIComponent(match[1] ?? ""), options.region, options.accountId);
      const qualifier = new URLSearchParams(rawQuery).get("Qualifier") ?? target.qualifier;
      // Only $LATEST exists here: the stack publishes no versions or aliases.
      if (!options.runtime.has(target.name) || (qualifier !== undefined && qualifier !== "$LATEST")) {
        throw notFound(qualifier ? `${target.name}:${qualifier}` : target.name, options);
      }
      // lambda:InvokeFunction is authorized on the function (403 AccessDeniedException, Lambda's common errors).
      requireAllowed(
        options.callers,
        req,
        {
          action: "lambda:InvokeFunction",
          resource: target.name === POOL_GROWTH_FUNCTION ? "poolGrowthFunction" : undefined,
          resourceName: `arn:aws:lambda:${options.region}:${options.accountId}:function:${target.name}`,
        },
        (message) => new AwsServiceError("AccessDeniedException", 403, message),
      );
      const invocationType = req.headers["x-amz-invocation-type"] ?? "RequestResponse";
      if (invocationType !== "RequestResponse" && invocationType !== "DryRun") {
        // Event (asynchronous) invocations need a retrying queue this runtime does not have: refused, never half-done.
        throw new AwsServiceError(
          "InvalidParameterValueException",
          400,
          `The embedded Lambda runtime serves RequestResponse and DryRun invocations, not ${String(invocationType)}.`,
        );
      }
      const payload = body.length === 0 ? "{}" : body.toString("utf8");
      try {
        JSON.parse(payload);
      } catch {
        throw new AwsServiceError("InvalidRequestContentException", 400, "Could not parse request body into json.");
      }
      if (invocationType === "DryRun") {
        res.writeHead(204, requestIdHeader());
        res.end();
        return;
      }
      try {
        sendPayload(res, await options.runtime.invokePayload(target.name, payload));
      } catch (err) {
        if (err instanceof FunctionError) {
          sendPayload(res, JSON.stringify(err.runtimeError), "Unhandled");
          return;
        }
        if (err instanceof PayloadTooLargeError && err.direction === "response") {
          sendPayload(
            res,
            JSON.stringify({ errorType: "Function.ResponseSizeTooLarge", errorMessage: err.message }),
            "Unhandled",
          );
          return;
        }
        throw err;
      }
    },
  );
}
