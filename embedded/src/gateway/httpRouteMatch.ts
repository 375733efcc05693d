import { HTTP_ROUTES, type HttpRouteKey } from "@babelcast/protocol";

/** How API Gateway picks an HTTP API route for a request: method and path template. */
export interface RouteMatch {
  readonly routeKey: HttpRouteKey;
  readonly pathParameters: Record<string, string>;
}

const compiled = HTTP_ROUTES.map((routeKey) => {
  const [method, template = ""] = routeKey.split(" ");
  const names: string[] = [];
  const pattern = template.replace(/\{(\w+)\}/g, (_m, name: string) => {
    names.push(name);
    return "([^/]+)";
  });
  return { routeKey, method, regex: new RegExp(`^${pattern}$`), names };
});

/** A path parameter, percent-decoded; as sent when its escapes are malformed (`%zz`), so the handler refuses it like any bad id. */
function decodePathParameter(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/** The route a request takes, `undefined` for none; `methodMismatch` when only the method is wrong. */
export function matchRoute(method: string, path: string): RouteMatch | { methodMismatch: true } | undefined {
  let pathMatched = false;
  for (const route of compiled) {
    const m = route.regex.exec(path);
    if (!m) continue;
    pathMatched = true;
    if (route.method !== method) continue;
    const pathParameters: Record<string, string> = {};
    route.names.forEach((name, i) => {
      pathParameters[name] = decodePathParameter(m[i + 1] ?? "");
    });
    return { routeKey: route.routeKey, pathParameters };
  }
  return pathMatched ? { methodMismatch: true } : undefined;
}
