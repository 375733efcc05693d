import { embedPageCsp, embedPageHtml, embedPageSecurityHeaders, frameAncestors } from "@babelcast/protocol";
import { badRequest } from "../../services/apiErrors.js";
import { sessionLanguages } from "../../services/sessionRecords.js";
import type { BackendDeps } from "../shared/backendDeps.js";
import { type HttpEvent, type HttpResult, loadSession, sessionIdParam } from "./httpRequest.js";

/**
 * `GET /sessions/{id}/embed[?lang=xx]`: the embeddable player's HTML. Served by the API, not the
 * static site, because its `frame-ancestors` is per session (the presenter's allow-list, none by
 * default). API Gateway passes a Lambda proxy integration's headers and body through as the
 * response (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html).
 */
export async function embedPlayer(deps: BackendDeps, event: HttpEvent): Promise<HttpResult> {
  const session = await loadSession(deps, sessionIdParam(event));
  const language = event.queryStringParameters?.lang;
  const offered = sessionLanguages(session);
  if (language !== undefined && !offered.includes(language)) {
    throw badRequest(`lang ${language} is not a language of this session: choose one of ${offered.join(", ")}`);
  }
  const siteOrigin = new URL(deps.config.listenerUrl).origin;
  const csp = embedPageCsp(
    siteOrigin,
    deps.config.pageConnectSources ?? [],
    frameAncestors(session.embedOrigins ?? []),
  );
  return {
    statusCode: 200,
    headers: {
      "content-type": "text/html; charset=utf-8",
      // The allow-list may change at any time: never serve a stale one from a cache.
      "cache-control": "no-store",
      ...embedPageSecurityHeaders(csp),
    },
    body: embedPageHtml(siteOrigin),
  };
}
