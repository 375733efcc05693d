import { randomBytes, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { PATHS } from "@babelcast/protocol";
import type { EmbeddedContext, EmbeddedService } from "../embeddedContext.js";
import { resolvedPath } from "../http/requestTarget.js";
import { sendError, sendJson } from "../httpResponses.js";
import type { ResolvedCredentials } from "./sigv4Verifier.js";

/**
 * Short-lived AWS-style credentials for the session owner's console in embedded mode, the
 * local stand-in for Cognito identity pool credentials: the console trades its owner token
 * for them and signs Transcribe streams with them; the data dir's long-term key never
 * reaches a browser.
 */
export interface TemporaryCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  /** ISO 8601. */
  readonly expiration: string;
}

export const DEFAULT_CREDENTIALS_LIFETIME_MS = 60 * 60_000;

export class TemporaryCredentialIssuer {
  private readonly issued = new Map<string, { credentials: TemporaryCredentials; expiresAt: number }>();

  constructor(
    private readonly lifetimeMs = DEFAULT_CREDENTIALS_LIFETIME_MS,
    private readonly now: () => number = Date.now,
  ) {}

  issue(): TemporaryCredentials {
    this.forgetExpired();
    const expiresAt = this.now() + this.lifetimeMs;
    const credentials: TemporaryCredentials = {
      accessKeyId: `ASIABABELCAST${randomBytes(4).toString("hex").toUpperCase()}`,
      secretAccessKey: randomBytes(30).toString("base64url"),
      sessionToken: randomBytes(48).toString("base64url"),
      expiration: new Date(expiresAt).toISOString(),
    };
    this.issued.set(credentials.accessKeyId, { credentials, expiresAt });
    return credentials;
  }

  /** The live credentials behind an access key id, for `SigV4Verifier`'s `resolveCredentials`. */
  resolve(accessKeyId: string): ResolvedCredentials | undefined {
    const entry = this.issued.get(accessKeyId);
    if (!entry || entry.expiresAt <= this.now()) return undefined;
    return entry.credentials;
  }

  private forgetExpired(): void {
    const now = this.now();
    for (const [id, entry] of this.issued) if (entry.expiresAt <= now) this.issued.delete(id);
  }
}

const issuers = new WeakMap<EmbeddedContext, TemporaryCredentialIssuer>();

/** The one issuer of a running embedded server, shared by the credentials endpoint and the emulators. */
export function temporaryCredentialsFor(ctx: EmbeddedContext): TemporaryCredentialIssuer {
  let issuer = issuers.get(ctx);
  if (!issuer) {
    issuer = new TemporaryCredentialIssuer();
    issuers.set(ctx, issuer);
  }
  return issuer;
}

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

// Any origin may ask (the console may be a file or another port); only the owner token gets an answer.
const CORS = {
  "access-control-allow-origin": "*",
  "access-control-allow-methods": "POST, OPTIONS",
  "access-control-allow-headers": "authorization, content-type",
};

/** `POST /aws/credentials` with `Authorization: Bearer <owner token>` → temporary credentials. */
export function credentialsService(ctx: EmbeddedContext): EmbeddedService {
  const issuer = temporaryCredentialsFor(ctx);
  return {
    name: "credentials",
    handleRequest(req: IncomingMessage, res: ServerResponse): boolean {
      const pathname = resolvedPath(req.url);
      if (pathname !== PATHS.credentials) return false;
      if (req.method === "OPTIONS") {
        res.writeHead(204, { ...CORS, "access-control-max-age": "600" });
        res.end();
        return true;
      }
      if (req.method !== "POST") {
        sendError(res, 405, "MethodNotAllowed", `use POST ${PATHS.credentials}`);
        return true;
      }
      const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? "")?.[1];
      if (!bearer || !sameToken(bearer, ctx.ownerToken)) {
        res.setHeader("access-control-allow-origin", "*");
        sendError(
          res,
          401,
          "NotOwner",
          "only the session owner gets credentials: send the console's owner token as Bearer",
        );
        return true;
      }
      req.resume();
      sendJson(res, 200, issuer.issue(), CORS);
      return true;
    },
  };
}
