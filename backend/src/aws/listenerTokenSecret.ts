import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";

/**
 * The HMAC key of listener tokens lives in Secrets Manager; a function that signs or checks
 * tokens gets only the secret's ARN in its environment and reads the value once per
 * container, at init. Keeping the value out of the environment keeps it out of the Lambda
 * console, `GetFunctionConfiguration` and the CloudFormation template.
 */
export const LISTENER_TOKEN_SECRET_ARN_ENV = "LISTENER_TOKEN_SECRET_ARN";

/** Reads a secret's string value. The SDK honours AWS_ENDPOINT_URL_SECRETS_MANAGER (a local endpoint in tests). */
export type SecretReader = (secretId: string, region: string) => Promise<string>;

export const readSecretString: SecretReader = async (secretId, region) => {
  const client = new SecretsManagerClient({ region });
  try {
    const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
    if (!SecretString) throw new Error(`secret ${secretId} has no string value: the stack generates one`);
    return SecretString;
  } finally {
    client.destroy();
  }
};
