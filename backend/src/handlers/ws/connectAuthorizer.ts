import { SessionId } from "@babelcast/protocol";
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from "aws-lambda";
import { ApiFailure, badRequest, forbidden, notFound, unauthorized } from "../../services/apiErrors.js";
import { tokenFailureMessage, verifyListenerToken } from "../../services/listenerTokens.js";
import type { BackendDeps } from "../shared/backendDeps.js";

/** Who a WebSocket connection is: what the `$connect` authorizer puts in `requestContext.authorizer`. */
export interface ConnectionIdentity {
  readonly role: "console" | "listener";
  readonly sessionId: string;
  readonly listenerId?: string;
  readonly ownerId?: string;
}

/** Checks `?role=console|listener&sessionId=ID&token=T`; throws an ApiFailure saying what is wrong. */
export async function authorizeConnection(
  deps: BackendDeps,
  query: Readonly<Record<string, string | undefined>>,
): Promise<ConnectionIdentity> {
  const { role, sessionId, token } = query;
  if (role !== "console" && role !== "listener") throw badRequest("role must be console or listener");
  if (!sessionId || !SessionId.safeParse(sessionId).success) {
    throw badRequest("sessionId must be a session id such as amber-harbor-482");
  }
  if (!token) throw unauthorized("token is missing: connect with the token the join (or sign-in) gave you");
  const session = await deps.stores.sessions.get(sessionId);
  if (!session) throw notFound(`there is no session ${sessionId}`);
  if (session.status === "ended") throw new ApiFailure(410, "SessionEnded", `session ${sessionId} has ended`);
  if (role === "console") {
    const owner = await deps.ownerAuth.authenticate(token);
    if (!owner) throw unauthorized("the owner token is not valid: sign in again");
    if (owner.ownerId !== session.ownerId) throw forbidden(`session ${sessionId} belongs to another presenter`);
    return { role, sessionId, ownerId: owner.ownerId };
  }
  const verdict = verifyListenerToken(token, deps.config.listenerTokenSecret, sessionId, deps.now());
  if (!verdict.ok) throw unauthorized(tokenFailureMessage(verdict.reason));
  const listener = await deps.stores.listeners.get(sessionId, verdict.claims.l);
  if (!listener) throw notFound("this listener is no longer known: join the session again");
  return { role, sessionId, listenerId: listener.listenerId };
}

/** Reads the identity back from an event's authorizer context. */
export function identityFromContext(context: unknown): ConnectionIdentity | undefined {
  const c = context as Record<string, unknown> | undefined;
  if (!c || (c.role !== "console" && c.role !== "listener") || typeof c.sessionId !== "string") return undefined;
  return {
    role: c.role,
    sessionId: c.sessionId,
    ...(typeof c.listenerId === "string" ? { listenerId: c.listenerId } : {}),
    ...(typeof c.ownerId === "string" ? { ownerId: c.ownerId } : {}),
  };
}

/** The Lambda REQUEST authorizer of the WebSocket API's `$connect` route. */
export function createConnectAuthorizer(deps: BackendDeps) {
  return async (event: APIGatewayRequestAuthorizerEvent): Promise<APIGatewayAuthorizerResult> => {
    try {
      const identity = await authorizeConnection(deps, event.queryStringParameters ?? {});
      return {
        principalId: identity.ownerId ?? identity.listenerId ?? "anonymous",
        policyDocument: {
          Version: "2012-10-17",
          Statement: [{ Action: "execute-api:Invoke", Effect: "Allow", Resource: event.methodArn }],
        },
        context: { ...identity },
      };
    } catch (err) {
      if (err instanceof ApiFailure) throw new Error("Unauthorized");
      throw err;
    }
  };
}
