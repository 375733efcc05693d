import { PATHS } from "@babelcast/protocol";
import type { EmbeddedService } from "./embeddedContext.js";
import { underPrefix } from "./underPrefix.js";

/**
 * AWS service endpoints the browser SDK calls (the console calls Polly from its own origin,
 * `babelcast://console`); AWS documents browser use of them with Cognito credentials.
 * https://docs.aws.amazon.com/sdk-for-javascript/v2/developer-guide/getting-started-browser.html
 * The credentials, Cognito and Transcribe vocabulary endpoints send their own CORS headers.
 */
const BROWSER_CALLED_SERVICES = [
  PATHS.polly,
  PATHS.translate,
  PATHS.kinesisvideo,
  PATHS.kinesisvideoSignaling,
  PATHS.dynamodb,
] as const;

/** What AWS service endpoints let a page read: the request id and the error type and message the SDK parses. */
export const AWS_EXPOSED_HEADERS = ["x-amzn-RequestId", "x-amzn-ErrorType", "x-amzn-ErrorMessage", "Date"] as const;

/** Preflights may be cached this long (seconds). */
const PREFLIGHT_MAX_AGE_SECONDS = 600;

/**
 * CORS for the emulated AWS endpoints, as AWS answers a browser: a preflight (OPTIONS with an
 * `Origin` and `Access-Control-Request-Method`) is answered here, before SigV4 (a preflight
 * carries no signature); any other request with an `Origin` gets `Access-Control-Allow-Origin: *`
 * and passes on to its service. Requests without an `Origin` are not touched.
 */
export function createAwsServiceCors(): EmbeddedService {
  return {
    name: "aws-service-cors",
    handleRequest(req, res) {
      const origin = req.headers.origin;
      if (origin === undefined) return false;
      const path = new URL(req.url ?? "/", "http://local").pathname;
      if (!BROWSER_CALLED_SERVICES.some((prefix) => underPrefix(path, prefix))) return false;
      const requestedMethod = req.headers["access-control-request-method"];
      if (req.method === "OPTIONS" && typeof requestedMethod === "string") {
        req.resume();
        const requestedHeaders = req.headers["access-control-request-headers"];
        res.writeHead(200, {
          "access-control-allow-origin": "*",
          "access-control-allow-methods": requestedMethod,
          ...(typeof requestedHeaders === "string" ? { "access-control-allow-headers": requestedHeaders } : {}),
          "access-control-max-age": String(PREFLIGHT_MAX_AGE_SECONDS),
          "content-length": "0",
        });
        res.end();
        return true;
      }
      res.setHeader("access-control-allow-origin", "*");
      res.setHeader("access-control-expose-headers", AWS_EXPOSED_HEADERS.join(", "));
      return false;
    },
  };
}
