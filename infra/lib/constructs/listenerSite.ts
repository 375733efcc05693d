import { existsSync } from "node:fs";
import { listenerPageCsp, PATHS } from "@babelcast/protocol";
import { Annotations, DefaultStackSynthesizer, Duration, RemovalPolicy, Stack, Validations } from "aws-cdk-lib";
import type { IOrigin } from "aws-cdk-lib/aws-cloudfront";
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  HttpVersion,
  PriceClass,
  ResponseHeadersPolicy,
  ViewerProtocolPolicy,
} from "aws-cdk-lib/aws-cloudfront";
import { S3BucketOrigin } from "aws-cdk-lib/aws-cloudfront-origins";
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from "aws-cdk-lib/aws-s3";
import { BucketDeployment, Source } from "aws-cdk-lib/aws-s3-deployment";
import { Construct } from "constructs";
import { pageSecurityHeaders } from "./pageSecurityHeaders.js";

/** The page and its assets live under `/s/` (session pages are `/s/{id}`), as on the embedded server. */
const PAGE_PREFIX = PATHS.listener.slice(1);
const PAGE_INDEX = `${PATHS.listener}index.html`;

import { nagResourceName } from "../nagFindings.js";

export interface ListenerSiteProps {
  /** Origins the page talks to besides itself (HTTP API, WebSocket API, KVS signaling). */
  readonly connectSources: readonly string[];
  /** ARN of the WAF web ACL (scope CLOUDFRONT, in us-east-1) in front of the distribution. */
  readonly webAclArn: string;
}

export interface PublishProps {
  /** The config document served at `/config.json` (may hold deploy-time tokens). */
  readonly config: Record<string, unknown>;
  /** The built listener page (`listener-web/dist`); skipped when absent. */
  readonly siteDir: string;
}

/**
 * The listener page: a private S3 bucket behind CloudFront with origin access control,
 * strict security headers and a CSP; `config.json` is generated from the stack's outputs.
 */
export class ListenerSite extends Construct {
  readonly bucket: Bucket;
  /** The access-log bucket (CloudFront and S3 server access logs), shared with the recordings bucket. */
  readonly accessLogs: Bucket;
  readonly distribution: Distribution;
  /** The bucket behind origin access control: further behaviours (the console page) reuse it. */
  readonly origin: IOrigin;
  /** Whether the build output was found at synth time (else only config.json is published). */
  siteAssetIncluded = false;

  constructor(scope: Construct, id: string, props: ListenerSiteProps) {
    super(scope, id);
    const logs = new Bucket(this, "AccessLogs", {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // CloudFront standard logging writes with ACLs.
      objectOwnership: ObjectOwnership.OBJECT_WRITER,
      lifecycleRules: [{ expiration: Duration.days(90) }],
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: true,
    });
    Validations.of(logs).acknowledge({
      id: "AwsSolutions-S1",
      reason: "This is the access-log bucket itself; logging it would recurse.",
    });
    this.accessLogs = logs;

    this.bucket = new Bucket(this, "Site", {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      serverAccessLogsBucket: logs,
      serverAccessLogsPrefix: "s3/",
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: true,
    });

    const headers = new ResponseHeadersPolicy(this, "SecurityHeaders", {
      comment: "Babelcast listener page: security headers and CSP",
      securityHeadersBehavior: {
        // The same CSP the embedded server sends with the page.
        ...pageSecurityHeaders(listenerPageCsp(props.connectSources)),
        xssProtection: { protection: true, modeBlock: true, override: true },
      },
      customHeadersBehavior: {
        customHeaders: [
          // Listeners only play audio: no microphone, camera or location for the page.
          {
            header: "Permissions-Policy",
            value: "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
            override: true,
          },
          { header: "Cross-Origin-Opener-Policy", value: "same-origin", override: true },
          { header: "Cross-Origin-Resource-Policy", value: "same-origin", override: true },
        ],
      },
    });

    // The embed player's script and style are loaded by the embed page, which the HTTP API serves
    // from its own origin: a module script fetched in CORS mode, so CORS for any origin and a
    // cross-origin resource policy (CloudFront adds CORS headers to requests with an Origin:
    // https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_ResponseHeadersPolicyCorsConfig.html).
    const embedHeaders = new ResponseHeadersPolicy(this, "EmbedAssetHeaders", {
      comment: "Babelcast embed player assets: loadable from the API's embed page",
      corsBehavior: {
        accessControlAllowOrigins: ["*"],
        accessControlAllowMethods: ["GET", "HEAD"],
        accessControlAllowHeaders: ["*"],
        accessControlAllowCredentials: false,
        originOverride: true,
      },
      securityHeadersBehavior: { contentTypeOptions: { override: true } },
      customHeadersBehavior: {
        customHeaders: [{ header: "Cross-Origin-Resource-Policy", value: "cross-origin", override: true }],
      },
    });

    const origin = S3BucketOrigin.withOriginAccessControl(this.bucket);
    this.origin = origin;
    this.distribution = new Distribution(this, "Cdn", {
      comment: "Babelcast listener page",
      webAclId: props.webAclArn,
      httpVersion: HttpVersion.HTTP2_AND_3,
      priceClass: PriceClass.PRICE_CLASS_100,
      enableLogging: true,
      logBucket: logs,
      logFilePrefix: "cloudfront/",
      defaultBehavior: {
        origin,
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: headers,
        compress: true,
      },
      additionalBehaviors: {
        // Fixed names (the API's embed HTML names them): never cached past a redeploy.
        [`${PATHS.embedAssets}*`]: {
          origin,
          viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
          cachePolicy: CachePolicy.CACHING_DISABLED,
          responseHeadersPolicy: embedHeaders,
          compress: true,
        },
        // Read at every start: a redeploy must show at once.
        [PATHS.config]: {
          origin,
          viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
          cachePolicy: CachePolicy.CACHING_DISABLED,
          responseHeadersPolicy: headers,
        },
      },
      // Session pages (`/s/{id}`) are client-side routes of the one page; S3 answers 403 for them.
      errorResponses: [403, 404].map((httpStatus) => ({
        httpStatus,
        responseHttpStatus: 200,
        responsePagePath: PAGE_INDEX,
        ttl: Duration.minutes(1),
      })),
    });
    Validations.of(this.distribution).acknowledge(
      {
        id: "AwsSolutions-CFR1",
        reason: "Audiences join from anywhere a talk is given; no geo restriction.",
      },
      {
        id: "AwsSolutions-CFR4",
        reason: "The default *.cloudfront.net certificate cannot pin a TLS minimum; a custom domain sets TLSv1.2_2021.",
      },
    );
  }

  /** `https://{distribution}.cloudfront.net`; a session's page is `${url}/s/{id}`. */
  get url(): string {
    return `https://${this.distribution.distributionDomainName}`;
  }

  /** Publishes config.json at the root and, when built, the listener page under `/s/`. */
  publish(props: PublishProps): void {
    this.siteAssetIncluded = existsSync(props.siteDir);
    if (this.siteAssetIncluded) {
      new BucketDeployment(this, "PublishPage", {
        sources: [Source.asset(props.siteDir)],
        destinationBucket: this.bucket,
        destinationKeyPrefix: PAGE_PREFIX,
        distribution: this.distribution,
        distributionPaths: [`${PATHS.listener}*`],
        memoryLimit: 512,
      });
    } else {
      Annotations.of(this).addWarningV2(
        "babelcast:listener-site-not-built",
        `${props.siteDir} does not exist: only config.json is published. Run \`npm run build\` before deploying.`,
      );
    }
    new BucketDeployment(this, "PublishConfig", {
      sources: [Source.jsonData("config.json", props.config)],
      destinationBucket: this.bucket,
      // Only config.json: pruning here would delete the page.
      prune: false,
      distribution: this.distribution,
      distributionPaths: [PATHS.config],
      memoryLimit: 512,
    });
    this.acknowledgeDeploymentHandler();
  }

  /** The BucketDeployment handler is CDK's own singleton function at the stack root. */
  private acknowledgeDeploymentHandler(): void {
    const stack = Stack.of(this);
    const handler = stack.node.children.find((c) => c.node.id.startsWith("Custom::CDKBucketDeployment"));
    if (!handler) return;
    const reason =
      "CDK's BucketDeployment handler (runtime and policy owned by aws-cdk-lib): copies the site from the CDK asset bucket into the site bucket and invalidates CloudFront.";
    const findings = [
      "AwsSolutions-L1",
      "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]",
      ...["s3:GetObject*", "s3:GetBucket*", "s3:List*", "s3:DeleteObject*", "s3:Abort*"].map(
        (action) => `AwsSolutions-IAM5[Action::${action}]`,
      ),
      `AwsSolutions-IAM5[Resource::${nagResourceName(this, `${this.bucket.bucketArn}/*`)}]`,
      // The CDK asset bucket, as the default synthesizer names it (region literal once known).
      `AwsSolutions-IAM5[Resource::${nagResourceName(
        this,
        `arn:${stack.partition}:s3:::cdk-${DefaultStackSynthesizer.DEFAULT_QUALIFIER}-assets-${stack.account}-${stack.region}/*`,
      )}]`,
      "AwsSolutions-IAM5[Resource::*]",
    ];
    Validations.of(handler).acknowledge(...findings.map((id) => ({ id, reason })));
  }
}
