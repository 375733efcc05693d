import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@aws-sdk/types";

/**
 * Credentials for the console in embedded mode: the owner token is traded at the config
 * document's `endpoints.credentials` for short-lived credentials that the embedded
 * Transcribe accepts (the local stand-in for Cognito identity pool credentials). Refreshed
 * a few minutes before they expire.
 */
export function embeddedCredentialsProvider(
  credentialsUrl: string,
  ownerToken: string,
  fetchImpl: typeof fetch = fetch,
): AwsCredentialIdentityProvider {
  let cached: AwsCredentialIdentity | undefined;
  let pending: Promise<AwsCredentialIdentity> | undefined;
  const fresh = () => cached?.expiration && cached.expiration.getTime() - Date.now() > 5 * 60_000;
  return async () => {
    if (fresh()) return cached as AwsCredentialIdentity;
    pending ??= (async () => {
      try {
        const res = await fetchImpl(credentialsUrl, {
          method: "POST",
          headers: { authorization: `Bearer ${ownerToken}` },
        });
        if (!res.ok) {
          throw new Error(
            `the embedded server refused credentials (${res.status}): open the console from the link the server printed`,
          );
        }
        const body = (await res.json()) as {
          accessKeyId: string;
          secretAccessKey: string;
          sessionToken: string;
          expiration: string;
        };
        cached = { ...body, expiration: new Date(body.expiration) };
        return cached;
      } finally {
        pending = undefined;
      }
    })();
    return pending;
  };
}
