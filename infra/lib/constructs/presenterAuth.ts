import { Duration, RemovalPolicy, Validations } from "aws-cdk-lib";
import { AccountRecovery, Mfa, UserPool, type UserPoolClient } from "aws-cdk-lib/aws-cognito";
import { IdentityPool, UserPoolAuthenticationProvider } from "aws-cdk-lib/aws-cognito-identitypool";
import { PolicyStatement } from "aws-cdk-lib/aws-iam";
import { Construct } from "constructs";
import { CONSOLE_ACTIONS } from "../../../backend/src/permissions/permissionTable.js";

/** The console role's actions come from the permission table the embedded server enforces too. */
export { CONSOLE_ACTIONS } from "../../../backend/src/permissions/permissionTable.js";

/**
 * Presenters arriving at a venue to sign in behind its one NAT: the SRP sign-in is two
 * requests, a TOTP challenge one more, then the console reads the user and refreshes its
 * tokens; a conference may have a few dozen presenters, all signing in before the talks.
 */
export const PRESENTER_SIGN_IN_TRAFFIC = {
  joinsPerMinute: 20,
  requestsPerJoin: 5,
  arrivalsPerListener: 2,
} as const;

/**
 * Presenter sign-in: a user pool whose users an admin creates (no self sign-up, optional
 * MFA) and an identity pool whose authenticated role may stream audio to Transcribe and
 * nothing else. Listeners never sign in.
 */
export class PresenterAuth extends Construct {
  readonly userPool: UserPool;
  readonly client: UserPoolClient;
  readonly identityPool: IdentityPool;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.userPool = new UserPool(this, "Presenters", {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      autoVerify: { email: true },
      mfa: Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.userPool).acknowledge({
      id: "AwsSolutions-COG2",
      reason: "MFA is optional by design: presenters opt in to TOTP; admins may require it per user.",
    });
    Validations.of(this.userPool).acknowledge({
      id: "AwsSolutions-COG3",
      reason:
        "Threat protection needs the Cognito Plus plan (billed per active user); admin-created users only, sign-up is closed.",
    });
    Validations.of(this.userPool).acknowledge({
      id: "AwsSolutions-COG8",
      reason: "The Plus feature plan is billed per active user; a handful of admin-created presenters do not need it.",
    });

    this.client = this.userPool.addClient("Console", {
      authFlows: { userSrp: true },
      generateSecret: false,
      preventUserExistenceErrors: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(30),
    });

    this.identityPool = new IdentityPool(this, "ConsoleIdentities", {
      allowUnauthenticatedIdentities: false,
      authenticationProviders: {
        userPools: [new UserPoolAuthenticationProvider({ userPool: this.userPool, userPoolClient: this.client })],
      },
    });
    this.identityPool.authenticatedRole.addToPrincipalPolicy(
      new PolicyStatement({ actions: [...CONSOLE_ACTIONS], resources: ["*"] }),
    );
    Validations.of(this.identityPool.authenticatedRole).acknowledge({
      id: "AwsSolutions-IAM5[Resource::*]",
      reason:
        "Transcribe streaming has no resource-level permissions and Polly voices are chosen per segment; the role allows nothing else.",
    });
  }
}
