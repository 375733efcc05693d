import { mkdirSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { join } from "node:path";
import { PATHS } from "@babelcast/protocol";
import { callersFor } from "../auth/callerDirectory.js";
import { SigV4Verifier } from "../auth/sigv4Verifier.js";
import { temporaryCredentialsFor } from "../auth/temporaryCredentials.js";
import type { EmbeddedContext, EmbeddedService } from "../embeddedContext.js";
import { settingsSection } from "../embeddedSettings.js";
import { parseJsonObject } from "../http/awsEndpoint.js";
import { AWS_JSON_1_1, AwsServiceError, sendAwsError, sendAwsJson } from "../http/awsResponses.js";
import { readLimitedBody } from "../http/requestBody.js";
import { splitRequestTarget } from "../http/requestTarget.js";
import { sendError, sendJson } from "../httpResponses.js";
import { underPrefix } from "../underPrefix.js";
import { createIdentityPoolOperations } from "./identityPoolOperations.js";
import { EmbeddedUserPool } from "./userPoolOperations.js";
import {
  COGNITO_DIR,
  COGNITO_SETTINGS_SECTION,
  CognitoSettings,
  loadOrCreateUserPoolIdentity,
} from "./userPoolSettings.js";
import { UserPoolStore } from "./userPoolStore.js";
import { UserPoolTokens } from "./userPoolTokens.js";

const USER_POOL_TARGET = "AWSCognitoIdentityProviderService.";
const IDENTITY_POOL_TARGET = "AWSCognitoIdentityService.";
const MAX_BODY_BYTES = 64 * 1024;

// The console page may come from another origin (a file, another port); the client library sends these headers.
const CORS = {
  "access-control-allow-origin": "*",
  "access-control-allow-methods": "POST, GET, OPTIONS",
  "access-control-allow-headers":
    "content-type, x-amz-target, x-amz-user-agent, cache-control, authorization, x-amz-date, x-amz-security-token, x-amz-content-sha256, amz-sdk-invocation-id, amz-sdk-request",
  "access-control-expose-headers": "x-amzn-errortype, x-amzn-requestid",
};

export interface UserPoolService extends EmbeddedService {
  /** Present when the `cognito` settings enable the pool. */
  readonly pool?: EmbeddedUserPool;
}

/** The embedded user pool's JWKS path, where the backend's verifier fetches the signing key. */
export function userPoolJwksPath(userPoolId: string): string {
  return `${PATHS.cognitoIdp}/${userPoolId}/.well-known/jwks.json`;
}

type Operation = (input: Record<string, unknown>) => Promise<unknown>;

async function answer(
  req: IncomingMessage,
  res: ServerResponse,
  resolve: (target: string, body: Buffer) => Promise<Operation | undefined>,
  log: EmbeddedContext["log"],
): Promise<void> {
  try {
    const body = await readLimitedBody(req, MAX_BODY_BYTES);
    if (body === undefined) {
      throw new AwsServiceError("ValidationException", 400, `The request body is larger than ${MAX_BODY_BYTES} bytes.`);
    }
    const target = String(req.headers["x-amz-target"] ?? "");
    const operation = req.method === "POST" ? await resolve(target, body) : undefined;
    if (!operation)
      throw new AwsServiceError(
        "UnknownOperationException",
        400,
        `Unknown operation ${target || "(no X-Amz-Target)"}.`,
      );
    sendAwsJson(res, await operation(parseJsonObject(body)), AWS_JSON_1_1, CORS);
  } catch (err) {
    if (res.headersSent) return;
    if (err instanceof AwsServiceError) {
      sendAwsError(res, err, AWS_JSON_1_1, CORS);
      return;
    }
    log.error("user pool request failed", { error: String(err) });
    const failure = new AwsServiceError("InternalErrorException", 500, "The user pool failed; see its log.");
    sendAwsError(res, failure, AWS_JSON_1_1, CORS);
  }
}

/**
 * Cognito user pool and identity pool endpoints of the embedded server, on when
 * `D/embedded.json` has `"cognito": { "enabled": true }`: presenters then sign in as in the
 * cloud (SRP, TOTP, new and forgotten passwords) and the owner token no longer opens the console.
 */
export async function createUserPoolService(ctx: EmbeddedContext): Promise<UserPoolService> {
  const settings = settingsSection(ctx.settings, COGNITO_SETTINGS_SECTION, CognitoSettings);
  const prefixes = [PATHS.cognitoIdp, PATHS.cognitoIdentity];
  if (!settings.enabled) {
    return {
      name: "cognito",
      handleRequest(req, res) {
        const pathname = splitRequestTarget(req.url).path;
        if (!prefixes.some((p) => underPrefix(pathname, p))) return false;
        req.resume();
        sendError(
          res,
          404,
          "NotEnabled",
          'the embedded user pool is off: set "cognito": { "enabled": true } in embedded.json',
        );
        return true;
      },
    };
  }
  const dir = join(ctx.dataDir, COGNITO_DIR);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const identity = loadOrCreateUserPoolIdentity(ctx.dataDir, ctx.region);
  const tokens = await UserPoolTokens.load(dir, { region: ctx.region, ...identity });
  const store = UserPoolStore.load(dir);
  const pool = new EmbeddedUserPool({ identity, region: ctx.region, settings, store, tokens, dir, log: ctx.log });
  const identityOperations = createIdentityPoolOperations({
    identity,
    region: ctx.region,
    store,
    tokens,
    credentials: temporaryCredentialsFor(ctx),
  });
  const callers = callersFor(ctx);
  const adminVerifier = new SigV4Verifier({
    credentials: ctx.credentials,
    resolveCredentials: (id) => callers.resolve(id),
    region: ctx.region,
    service: "cognito-idp",
  });
  const jwksPath = userPoolJwksPath(identity.userPoolId);

  return {
    name: "cognito",
    pool,
    handleRequest(req, res) {
      const pathname = splitRequestTarget(req.url).path;
      if (!prefixes.some((p) => underPrefix(pathname, p))) return false;
      if (req.method === "OPTIONS") {
        res.writeHead(204, { ...CORS, "access-control-max-age": "600" });
        res.end();
        return true;
      }
      if (req.method === "GET" && pathname === jwksPath) {
        sendJson(res, 200, tokens.jwks(), { "access-control-allow-origin": "*" });
        return true;
      }
      if (underPrefix(pathname, PATHS.cognitoIdentity)) {
        void answer(
          req,
          res,
          async (target) =>
            target.startsWith(IDENTITY_POOL_TARGET)
              ? identityOperations[target.slice(IDENTITY_POOL_TARGET.length)]
              : undefined,
          ctx.log,
        );
        return true;
      }
      void answer(
        req,
        res,
        async (target, body) => {
          if (!target.startsWith(USER_POOL_TARGET)) return undefined;
          const name = target.slice(USER_POOL_TARGET.length);
          const admin = pool.adminOperations[name];
          if (!admin) return pool.publicOperations[name];
          // Admin operations are IAM-authorized, as in AWS: the data dir's credentials sign them.
          const { path, rawQuery } = splitRequestTarget(req.url);
          const verdict = await adminVerifier.verifyHeader({
            method: "POST",
            path,
            rawQuery,
            headers: req.headers,
            body,
          });
          if (!verdict.ok) throw new AwsServiceError(verdict.code, verdict.status, verdict.message);
          // No role of the stack holds a cognito-idp action: only the account (an admin) manages users.
          const decision = callers.authorize(
            verdict.accessKeyId,
            `cognito-idp:${name}`,
            undefined,
            identity.userPoolId,
          );
          if (!decision.allowed) throw new AwsServiceError("AccessDeniedException", 400, decision.message);
          return admin;
        },
        ctx.log,
      );
      return true;
    },
  };
}
