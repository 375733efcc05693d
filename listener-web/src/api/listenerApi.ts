import type { JoinRequest, JoinResponse, RefreshResponse, SessionPublic } from "@babelcast/protocol";
import {
  apiErrorOf,
  isJoinResponse,
  isListenerConfig,
  isRefreshResponse,
  isSessionPublic,
  type ListenerConfig,
} from "./guards.js";

/** An HTTP API answer the page cannot use; `status` 0 means the network failed. */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function requestJson<T>(url: string, init: RequestInit, guard: (v: unknown) => v is T): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, { cache: "no-store", ...init });
  } catch (err) {
    throw new ApiFailure(0, "NetworkError", String(err));
  }
  const body: unknown = await res.json().catch(() => undefined);
  if (!res.ok) {
    const error = apiErrorOf(body);
    throw new ApiFailure(res.status, error?.code ?? "HttpError", error?.message ?? `HTTP ${res.status}`);
  }
  if (!guard(body)) throw new ApiFailure(res.status, "BadResponse", `unexpected answer from ${url}`);
  return body;
}

/** The config document sits beside the page in both modes (the embed page names the listener site's). */
export const loadConfig = (url = "/config.json"): Promise<ListenerConfig> => requestJson(url, {}, isListenerConfig);

const sessionUrl = (config: ListenerConfig, sessionId: string) =>
  `${config.apiUrl}/sessions/${encodeURIComponent(sessionId)}`;

export const getSession = (config: ListenerConfig, sessionId: string): Promise<SessionPublic> =>
  requestJson(sessionUrl(config, sessionId), {}, isSessionPublic);

/** Joins, or rejoins with the listener id and token of an earlier join to keep its slot. */
export const joinSession = (config: ListenerConfig, sessionId: string, request: JoinRequest): Promise<JoinResponse> =>
  requestJson(
    `${sessionUrl(config, sessionId)}/listeners`,
    { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(request) },
    isJoinResponse,
  );

/** A fresh signed viewer URL and token for the same listener and slot. */
export const refreshListener = (
  config: ListenerConfig,
  sessionId: string,
  listenerId: string,
  listenerToken: string,
): Promise<RefreshResponse> =>
  requestJson(
    `${sessionUrl(config, sessionId)}/listeners/${encodeURIComponent(listenerId)}/refresh`,
    { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ listenerToken }) },
    isRefreshResponse,
  );
