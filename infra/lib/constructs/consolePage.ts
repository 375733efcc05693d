import { existsSync } from "node:fs";
import { CONSOLE_PERMISSIONS_POLICY, consolePageCsp, PATHS } from "@babelcast/protocol";
import { Annotations } from "aws-cdk-lib";
import {
  CachePolicy,
  type Distribution,
  Function as EdgeFunction,
  FunctionCode,
  FunctionEventType,
  FunctionRuntime,
  type IOrigin,
  ResponseHeadersPolicy,
  ViewerProtocolPolicy,
} from "aws-cdk-lib/aws-cloudfront";
import type { Bucket } from "aws-cdk-lib/aws-s3";
import { BucketDeployment, Source } from "aws-cdk-lib/aws-s3-deployment";
import { Construct } from "constructs";
import { pageSecurityHeaders } from "./pageSecurityHeaders.js";

/** `console/`: the bucket prefix of the console page, served at `/console/` as on the embedded server. */
const CONSOLE_PREFIX = PATHS.console.slice(1);

export interface ConsolePageProps {
  /** The listener site's bucket, origin and distribution: the console page shares them (one origin, one `config.json`). */
  readonly bucket: Bucket;
  readonly origin: IOrigin;
  readonly distribution: Distribution;
  /** Origins the console talks to: the listener page's, plus Cognito, Transcribe streaming and Polly. */
  readonly connectSources: readonly string[];
  /** The built console renderer (`electron/dist/renderer`); skipped when absent. */
  readonly consoleDir: string;
}

/**
 * The console page in a browser at `/console/`: the renderer bundle the Electron app and the
 * e2e tests run, so an interpreter link (`{listener site}/console/#interpret=…`) opens a page
 * in the cloud as it does on the embedded server. Own CSP and permissions (the microphone).
 */
export class ConsolePage extends Construct {
  /** Whether the console build was found at synth time. */
  readonly included: boolean;

  constructor(scope: Construct, id: string, props: ConsolePageProps) {
    super(scope, id);
    this.included = existsSync(props.consoleDir);
    if (!this.included) {
      Annotations.of(this).addWarningV2(
        "babelcast:console-page-not-built",
        `${props.consoleDir} does not exist: interpreter links will not open a page. Run \`npm run build\` before deploying.`,
      );
      return;
    }
    const headers = new ResponseHeadersPolicy(this, "SecurityHeaders", {
      comment: "Babelcast console page: security headers, CSP and the microphone",
      // The same CSP the embedded server sends with the console page; its URL carries a token in its fragment.
      securityHeadersBehavior: pageSecurityHeaders(consolePageCsp(props.connectSources)),
      customHeadersBehavior: {
        customHeaders: [
          { header: "Permissions-Policy", value: CONSOLE_PERMISSIONS_POLICY, override: true },
          { header: "Cross-Origin-Opener-Policy", value: "same-origin", override: true },
          { header: "Cross-Origin-Resource-Policy", value: "same-origin", override: true },
        ],
      },
    });
    // S3 has no index document behind origin access control, so `/console/` names no object:
    // a viewer-request function adds `index.html`, as AWS's own example does
    // (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/example-function-add-index.html).
    const index = new EdgeFunction(this, "IndexRewrite", {
      comment: "Babelcast console: /console/ is /console/index.html",
      runtime: FunctionRuntime.JS_2_0,
      code: FunctionCode.fromInline(
        "async function handler(event) { var r = event.request; if (r.uri.endsWith('/')) r.uri += 'index.html'; return r; }",
      ),
    });
    // `*` in a path pattern matches zero or more characters, so `/console/*` covers `/console/` itself
    // (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/DownloadDistValuesCacheBehavior.html#DownloadDistValuesPathPattern).
    props.distribution.addBehavior(`${PATHS.console}*`, props.origin, {
      viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      // Fixed file names (app.js, styles.css): a redeploy must show at once, as for config.json.
      cachePolicy: CachePolicy.CACHING_DISABLED,
      responseHeadersPolicy: headers,
      compress: true,
      functionAssociations: [{ function: index, eventType: FunctionEventType.VIEWER_REQUEST }],
    });
    new BucketDeployment(this, "Publish", {
      sources: [Source.asset(props.consoleDir)],
      destinationBucket: props.bucket,
      destinationKeyPrefix: CONSOLE_PREFIX,
      distribution: props.distribution,
      distributionPaths: [`${PATHS.console}*`],
      memoryLimit: 512,
    });
  }
}
