import { Stack, type StackProps, Token } from "aws-cdk-lib";
import type { Construct } from "constructs";
import { SessionLimits } from "../../backend/src/aws/runtimeConfig.js";
import { hallRateLimit, WebFirewall } from "./constructs/webFirewall.js";

/** A web ACL for CloudFront must be created in us-east-1, whatever region the distribution's stack is in:
 * https://docs.aws.amazon.com/waf/latest/developerguide/how-aws-waf-works-resources.html */
export const CLOUDFRONT_WAF_REGION = "us-east-1";

/**
 * A listener's arrival at the site: the page (`/s/{id}` answered with index.html), its
 * script and style sheet, `config.json` and the browser's favicon request. The joins a
 * minute are the backend's own per-IP join limit (a hall behind one NAT); each listener
 * may load the page twice (a reload, a reconnection) within the window.
 */
export const LISTENER_SITE_TRAFFIC = {
  joinsPerMinute: SessionLimits.parse({}).joinsPerIpPerMinute,
  requestsPerJoin: 5,
  arrivalsPerListener: 2,
} as const;

/**
 * The listener site's firewall, in its own stack in us-east-1 (CloudFront web ACLs live
 * there); the main stack's distribution refers to it across regions.
 */
export class ListenerSiteFirewallStack extends Stack {
  readonly firewall: WebFirewall;

  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, props);
    if (!Token.isUnresolved(this.region) && this.region !== CLOUDFRONT_WAF_REGION) {
      throw new Error(`the listener site's web ACL must be in ${CLOUDFRONT_WAF_REGION}, not ${this.region}`);
    }
    this.firewall = new WebFirewall(this, "ListenerSite", {
      scope: "CLOUDFRONT",
      name: "babelcast-listener-site",
      description: "Babelcast listener page and config.json on CloudFront",
      requestsPerIpLimit: hallRateLimit(LISTENER_SITE_TRAFFIC),
    });
  }

  get webAclArn(): string {
    return this.firewall.webAclArn;
  }
}
