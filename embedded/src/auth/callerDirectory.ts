import { createHmac } from "node:crypto";
import { appendFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { HANDLER_ENTRIES } from "@babelcast/backend/handlers/deployedFunctions.js";
import {
  CONSOLE_STATEMENTS,
  type PolicyResource,
  type PolicyStatementRow,
  policyAllows,
  principalStatements,
} from "@babelcast/backend/permissions/permissionTable.js";
import type { EmbeddedContext } from "../embeddedContext.js";
import type { ResolvedCredentials } from "./sigv4Verifier.js";
import { temporaryCredentialsFor } from "./temporaryCredentials.js";

/**
 * Who signed a request, and what that caller's cloud role may call. The embedded server hands
 * out three kinds of credentials: the data dir's long-term key (the account: tests, the CLI and
 * the server itself, as an admin with every permission), the console's temporary credentials
 * (the identity pool's authenticated role), and each deployed function's own credentials (its
 * execution role). The last two may call only what the permission table grants their role in
 * the stack (`backend/src/permissions/permissionTable.ts`), so a call the cloud would refuse is
 * refused here with AccessDeniedException instead of passing a test.
 */

export type Principal =
  | { readonly kind: "account" }
  | { readonly kind: "console" }
  | { readonly kind: "function"; readonly name: string };

export interface CallDecision {
  readonly allowed: boolean;
  readonly principal: Principal;
  /** AWS's wording of a refusal, naming the role, the action and the resource. */
  readonly message: string;
}

/** One line of the call record: a principal called an action on a resource kind, allowed or not. */
export interface RecordedCall {
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
  readonly allowed: boolean;
}

/** The file in the data dir that lists each distinct call (principal, action, resource, decision) once. */
export const AWS_CALL_RECORD_FILE = "aws-calls.jsonl";

export function principalName(principal: Principal): string {
  return principal.kind === "function" ? principal.name : principal.kind;
}

/** The role session ARN AWS names in an AccessDenied message. */
function callerArn(principal: Principal, accountId: string): string {
  switch (principal.kind) {
    case "account":
      return `arn:aws:iam::${accountId}:root`;
    case "console":
      return `arn:aws:sts::${accountId}:assumed-role/PresenterConsoleRole/CognitoIdentityCredentials`;
    case "function":
      return `arn:aws:sts::${accountId}:assumed-role/${principal.name}Role/${principal.name}`;
  }
}

interface FunctionCaller {
  readonly credentials: ResolvedCredentials;
  readonly statements: readonly PolicyStatementRow[];
  readonly name: string;
}

export class CallerDirectory {
  private readonly functions = new Map<string, FunctionCaller>();
  private readonly recorded = new Set<string>();

  constructor(private readonly ctx: EmbeddedContext) {
    // Each function's key is derived from the data dir's secret: stable across restarts, never stored.
    for (const entry of HANDLER_ENTRIES) {
      const derive = (label: string) =>
        createHmac("sha256", ctx.credentials.secretAccessKey).update(`${label}:${entry.id}`).digest();
      const credentials: ResolvedCredentials = {
        accessKeyId: `ASIAFN${derive("key").toString("hex").slice(0, 14).toUpperCase()}`,
        secretAccessKey: derive("secret").toString("base64url"),
        sessionToken: derive("token").toString("base64url"),
      };
      this.functions.set(credentials.accessKeyId, {
        credentials,
        statements: principalStatements(entry),
        name: entry.id,
      });
    }
  }

  /** The credentials Lambda gives a deployed function (its execution role's, as environment variables). */
  functionCredentials(functionName: string): ResolvedCredentials {
    for (const caller of this.functions.values()) if (caller.name === functionName) return caller.credentials;
    throw new Error(`no deployed function named ${functionName} (backend/src/handlers/deployedFunctions.ts)`);
  }

  /** Credentials other than the long-term key, for `SigV4Verifier`'s `resolveCredentials`. */
  resolve(accessKeyId: string): ResolvedCredentials | undefined {
    return this.functions.get(accessKeyId)?.credentials ?? temporaryCredentialsFor(this.ctx).resolve(accessKeyId);
  }

  principalOf(accessKeyId: string): Principal {
    if (accessKeyId === this.ctx.credentials.accessKeyId) return { kind: "account" };
    const fn = this.functions.get(accessKeyId);
    return fn ? { kind: "function", name: fn.name } : { kind: "console" };
  }

  /**
   * Whether the credentials behind `accessKeyId` (already verified by SigV4) may call `action`
   * on a resource of kind `resource` (undefined: none of this deployment's), named `resourceName`
   * in the refusal. Every distinct call is written once to the call record.
   */
  authorize(
    accessKeyId: string,
    action: string,
    resource: PolicyResource | undefined,
    resourceName = "*",
  ): CallDecision {
    const principal = this.principalOf(accessKeyId);
    const statements =
      principal.kind === "function" ? (this.functions.get(accessKeyId)?.statements ?? []) : CONSOLE_STATEMENTS;
    const allowed = principal.kind === "account" || policyAllows(statements, action, resource);
    this.record({ principal: principalName(principal), action, resource: resource ?? "none", allowed });
    const message = allowed
      ? ""
      : `User: ${callerArn(principal, this.ctx.accountId)} is not authorized to perform: ${action} on resource: ${resourceName} because no identity-based policy allows the ${action} action`;
    return { allowed, principal, message };
  }

  private record(call: RecordedCall): void {
    const key = JSON.stringify(call);
    if (this.recorded.has(key)) return;
    this.recorded.add(key);
    try {
      appendFileSync(join(this.ctx.dataDir, AWS_CALL_RECORD_FILE), `${key}\n`);
    } catch (err) {
      this.ctx.log.warn("the AWS call record could not be written", { error: String(err) });
    }
  }
}

const directories = new WeakMap<EmbeddedContext, CallerDirectory>();

/** The one caller directory of a running embedded server, shared by every endpoint and the Lambda runtime. */
export function callersFor(ctx: EmbeddedContext): CallerDirectory {
  let directory = directories.get(ctx);
  if (!directory) {
    directory = new CallerDirectory(ctx);
    directories.set(ctx, directory);
  }
  return directory;
}

/** Every channel, terminology and vocabulary this deployment creates is named with this prefix (the stack's prefixes). */
export const EMBEDDED_NAME_PREFIX = "babelcast-";

/** The resource kind a named channel, terminology or vocabulary is: this deployment's, or none. */
export function prefixedResource(
  kind: "kvsChannels" | "terminologies" | "vocabularies" | "vocabularyFilters",
  name: unknown,
): PolicyResource | undefined {
  return typeof name === "string" && name.startsWith(EMBEDDED_NAME_PREFIX) ? kind : undefined;
}

/** The call record a server wrote to its data dir (empty before its first call). */
export function readRecordedCalls(dataDir: string): RecordedCall[] {
  let text: string;
  try {
    text = readFileSync(join(dataDir, AWS_CALL_RECORD_FILE), "utf8");
  } catch {
    return [];
  }
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as RecordedCall);
}
