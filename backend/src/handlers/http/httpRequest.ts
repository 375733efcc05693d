import { SessionId } from "@babelcast/protocol";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { ApiFailure, badRequest, forbidden, notFound, unauthorized } from "../../services/apiErrors.js";
import { bearerToken, type OwnerIdentity } from "../../services/ownerAuth.js";
import type { SessionRecord } from "../../services/sessionRecords.js";
import type { BackendDeps } from "../shared/backendDeps.js";

/** Helpers every HTTP handler uses to read an API Gateway v2 event and answer it. */

export type HttpEvent = APIGatewayProxyEventV2;
export type HttpResult = APIGatewayProxyStructuredResultV2;

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResult {
  return {
    statusCode,
    headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...headers },
    body: JSON.stringify(body),
  };
}

export function errorResult(failure: ApiFailure): HttpResult {
  return json(failure.status, { error: { code: failure.code, message: failure.message } });
}

export function header(event: HttpEvent, name: string): string | undefined {
  return event.headers?.[name] ?? event.headers?.[name.toLowerCase()];
}

/** The JSON body of a request; a 400 naming the problem when it is absent or not JSON. */
export function jsonBody(event: HttpEvent): unknown {
  if (event.body === undefined || event.body === null || event.body === "") {
    throw badRequest("the request needs a JSON body");
  }
  const text = event.isBase64Encoded ? Buffer.from(event.body, "base64").toString("utf8") : event.body;
  const type = header(event, "content-type") ?? "";
  if (type && !/^application\/json\b/i.test(type)) {
    throw new ApiFailure(415, "UnsupportedMediaType", "send the body as application/json");
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw badRequest(`the body is not valid JSON (${(err as Error).message})`);
  }
}

/** An optional JSON body: `{}` when the request has none. */
export function optionalJsonBody(event: HttpEvent): unknown {
  return event.body ? jsonBody(event) : {};
}

export function pathParam(event: HttpEvent, name: string): string {
  const v = event.pathParameters?.[name];
  if (!v) throw badRequest(`the path lacks ${name}`);
  return v;
}

/** The session id in the path, checked for shape. */
export function sessionIdParam(event: HttpEvent): string {
  const id = pathParam(event, "id");
  if (!SessionId.safeParse(id).success) {
    throw notFound(`"${id}" is not a session id (they look like amber-harbor-482): check the link`);
  }
  return id;
}

export async function loadSession(deps: BackendDeps, sessionId: string): Promise<SessionRecord> {
  const session = await deps.stores.sessions.get(sessionId);
  if (!session) throw notFound(`there is no session ${sessionId}: check the link or the code`);
  return session;
}

/** The owner the request's bearer token proves, or undefined when it carries none or a bad one. */
export async function ownerOf(deps: BackendDeps, event: HttpEvent): Promise<OwnerIdentity | undefined> {
  const token = bearerToken(header(event, "authorization"));
  return token ? deps.ownerAuth.authenticate(token) : undefined;
}

export async function requireOwner(deps: BackendDeps, event: HttpEvent): Promise<OwnerIdentity> {
  const token = bearerToken(header(event, "authorization"));
  if (!token) throw unauthorized("sign in first: this route needs Authorization: Bearer <owner token>");
  const owner = await deps.ownerAuth.authenticate(token);
  if (!owner) {
    throw unauthorized(
      deps.ownerAuth.kind === "owner-token"
        ? "the owner token is wrong: open the console from the link the server printed"
        : "the sign-in has expired or is not valid: sign in again",
    );
  }
  return owner;
}

/** The session in the path, which the caller must own. */
export async function requireOwnedSession(
  deps: BackendDeps,
  event: HttpEvent,
): Promise<{ session: SessionRecord; owner: OwnerIdentity }> {
  const owner = await requireOwner(deps, event);
  const session = await loadSession(deps, sessionIdParam(event));
  if (session.ownerId !== owner.ownerId) throw forbidden(`session ${session.sessionId} belongs to another presenter`);
  return { session, owner };
}

export function sourceIp(event: HttpEvent): string {
  return event.requestContext?.http?.sourceIp ?? "unknown";
}
