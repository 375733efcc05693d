import { CfnWebACL, CfnWebACLAssociation } from "aws-cdk-lib/aws-wafv2";
import { Construct } from "constructs";

/**
 * A WAF web ACL: AWS managed rule groups against known-bad sources and common exploits,
 * and a rate-based rule per client IP. Resources WAF can protect: CloudFront (a web ACL of
 * scope CLOUDFRONT, created in us-east-1), and regional ones such as a Cognito user pool or
 * an AppSync Event API; API Gateway HTTP and WebSocket APIs are not among them:
 * https://docs.aws.amazon.com/waf/latest/developerguide/how-aws-waf-works-resources.html ,
 * https://docs.aws.amazon.com/appsync/latest/eventapi/using-waf-protect-apis.html
 */

/** Rate-based rules count over 60, 120, 300 or 600 s; the limit is at least 10:
 * https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-statement-type-rate-based-high-level-settings.html */
export const RATE_WINDOW_SECONDS = 300;
export const MIN_RATE_LIMIT = 10;

export interface HallTraffic {
  /** Listeners that may arrive through one public address (a venue's NAT) within a minute. */
  readonly joinsPerMinute: number;
  /** Requests one arrival makes to the protected resource. */
  readonly requestsPerJoin: number;
  /** Headroom for reloads and reconnections: each listener may arrive this many times. */
  readonly arrivalsPerListener: number;
}

/**
 * The per-IP request limit over the rate window that a full hall behind one NAT does not
 * reach: every listener of a minute's worth of joins arriving (and reloading) within the
 * window from the same address.
 */
export function hallRateLimit(traffic: HallTraffic, windowSeconds: number = RATE_WINDOW_SECONDS): number {
  const perWindow =
    traffic.joinsPerMinute * (windowSeconds / 60) * traffic.requestsPerJoin * traffic.arrivalsPerListener;
  return Math.max(MIN_RATE_LIMIT, Math.ceil(perWindow));
}

/** AWS managed rule groups every web ACL here runs, cheapest first (WCU 25, 200, 700). */
export const MANAGED_RULE_GROUPS = [
  "AWSManagedRulesAmazonIpReputationList",
  "AWSManagedRulesKnownBadInputsRuleSet",
  "AWSManagedRulesCommonRuleSet",
] as const;

export interface WebFirewallProps {
  readonly scope: "CLOUDFRONT" | "REGIONAL";
  /** Metric-name prefix. */
  readonly name: string;
  /** What it protects; CloudFormation allows letters, digits, spaces and `=:#@/-,.+` only (no parentheses). */
  readonly description: string;
  /** Requests per client IP per rate window; more are blocked until the rate falls. */
  readonly requestsPerIpLimit: number;
  /** Rules of a managed group to only count, not block (e.g. a body-size rule a legitimate request trips). */
  readonly countOnly?: Partial<Record<(typeof MANAGED_RULE_GROUPS)[number], readonly string[]>>;
  /**
   * Rate-limit only requests whose URI path starts with this (a scope-down statement); others
   * are not counted. Default: every request counts.
   */
  readonly rateLimitedPathPrefix?: string;
}

export class WebFirewall extends Construct {
  readonly webAcl: CfnWebACL;

  constructor(scope: Construct, id: string, props: WebFirewallProps) {
    super(scope, id);
    const visibility = (metric: string): CfnWebACL.VisibilityConfigProperty => ({
      cloudWatchMetricsEnabled: true,
      metricName: `${props.name}-${metric}`,
      sampledRequestsEnabled: true,
    });
    const rateRule: CfnWebACL.RuleProperty = {
      name: "RequestsPerIp",
      priority: 0,
      action: { block: {} },
      statement: {
        rateBasedStatement: {
          aggregateKeyType: "IP",
          limit: props.requestsPerIpLimit,
          evaluationWindowSec: RATE_WINDOW_SECONDS,
          ...(props.rateLimitedPathPrefix
            ? {
                scopeDownStatement: {
                  byteMatchStatement: {
                    fieldToMatch: { uriPath: {} },
                    positionalConstraint: "STARTS_WITH",
                    searchString: props.rateLimitedPathPrefix,
                    textTransformations: [{ priority: 0, type: "NONE" }],
                  },
                },
              }
            : {}),
        },
      },
      visibilityConfig: visibility("RequestsPerIp"),
    };
    const managedRules = MANAGED_RULE_GROUPS.map(
      (group, i): CfnWebACL.RuleProperty => ({
        name: group,
        priority: i + 1,
        overrideAction: { none: {} },
        statement: {
          managedRuleGroupStatement: {
            vendorName: "AWS",
            name: group,
            ...(props.countOnly?.[group]
              ? {
                  ruleActionOverrides: props.countOnly[group].map((name) => ({ name, actionToUse: { count: {} } })),
                }
              : {}),
          },
        },
        visibilityConfig: visibility(group),
      }),
    );
    this.webAcl = new CfnWebACL(this, "WebAcl", {
      scope: props.scope,
      description: props.description,
      defaultAction: { allow: {} },
      rules: [rateRule, ...managedRules],
      visibilityConfig: visibility("WebAcl"),
    });
  }

  get webAclArn(): string {
    return this.webAcl.attrArn;
  }

  /** Protects a regional resource (a Cognito user pool, an AppSync API, ...) with this web ACL. */
  protect(id: string, resourceArn: string): CfnWebACLAssociation {
    if (this.webAcl.scope !== "REGIONAL") throw new Error("a CLOUDFRONT web ACL is attached by the distribution");
    return new CfnWebACLAssociation(this, id, { resourceArn, webAclArn: this.webAclArn });
  }
}
