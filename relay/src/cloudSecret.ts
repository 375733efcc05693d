import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";

/**
 * The relay key's value, read once at start with the task role (which may call only
 * GetSecretValue on this secret). The same call the backend's `readSecretString` makes
 * (backend/src/aws/listenerTokenSecret.ts); the relay does not depend on the backend package.
 */
export async function readSecretFromSecretsManager(secretArn: string, region: string): Promise<string> {
  const client = new SecretsManagerClient({ region });
  try {
    const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretArn }));
    if (!SecretString) throw new Error(`secret ${secretArn} has no string value: the stack generates one`);
    return SecretString.trim();
  } finally {
    client.destroy();
  }
}
