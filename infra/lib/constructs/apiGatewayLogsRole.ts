import { RemovalPolicy, Validations } from "aws-cdk-lib";
import { CfnAccount } from "aws-cdk-lib/aws-apigateway";
import { ManagedPolicy, Role, ServicePrincipal } from "aws-cdk-lib/aws-iam";
import { Construct } from "constructs";

/**
 * The account-level role API Gateway writes REST and WebSocket API logs with. A WebSocket
 * stage with access logs fails to create ("CloudWatch Logs role ARN must be set in account
 * settings") until the region's API Gateway account settings name such a role:
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html
 * HTTP APIs do not use it (they deliver access logs through CloudWatch Logs' own resource
 * policy: https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-logging.html).
 *
 * The setting is one per account and region, so the role is retained when the stack is
 * destroyed: other APIs of the region may log through it by then, and the setting keeps
 * pointing at it (AWS::ApiGateway::Account is not reset on delete:
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-apigateway-account.html).
 */
export class ApiGatewayLogsRole extends Construct {
  readonly role: Role;
  readonly account: CfnAccount;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.role = new Role(this, "Role", {
      description: "API Gateway writes REST and WebSocket API logs of this account and region with this role",
      assumedBy: new ServicePrincipal("apigateway.amazonaws.com"),
      managedPolicies: [ManagedPolicy.fromAwsManagedPolicyName("service-role/AmazonAPIGatewayPushToCloudWatchLogs")],
    });
    this.role.applyRemovalPolicy(RemovalPolicy.RETAIN);
    Validations.of(this.role).acknowledge({
      id: "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]",
      reason:
        "The AWS managed policy the API Gateway logging guide prescribes; it only creates and writes log groups of API Gateway.",
    });
    this.account = new CfnAccount(this, "Account", { cloudWatchRoleArn: this.role.roleArn });
  }
}
