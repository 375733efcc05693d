import type { AwsCredentialIdentityProvider } from "@aws-sdk/types";
import type { ConfigDocument } from "@babelcast/protocol";
import type { AwsAccess } from "../stores/signInStore.js";
import { embeddedCredentialsProvider } from "./embeddedCredentials.js";

/**
 * What the console's own AWS calls (Transcribe streaming, Polly) sign with: the identity pool
 * credentials in the cloud; in embedded mode the owner token traded for temporary credentials.
 */
export function consoleAwsCredentials(config: ConfigDocument, options: AwsAccess): AwsCredentialIdentityProvider {
  if (options.credentials) return options.credentials;
  const url = config.endpoints?.credentials;
  if (config.mode === "embedded" && url && options.ownerToken)
    return embeddedCredentialsProvider(url, options.ownerToken);
  throw new Error(
    "recognition and speech need AWS credentials: sign in (cloud) or open the console from the server's link",
  );
}
