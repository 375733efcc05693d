import type { AwsCredentialIdentityProvider } from "@aws-sdk/types";
import { ConfigDocument, type SessionOwnerView } from "@babelcast/protocol";
import { type ReadonlySignal, signal } from "@preact/signals";
import type { CognitoSignedIn } from "../auth/cognitoSignIn.js";
import { fragmentWithoutToken, tokenFromFragment } from "../auth/ownerToken.js";
import { ConsoleApi, ConsoleApiError, sessionToReopen } from "../session/consoleApi.js";
import type { NoticesStore } from "./noticesStore.js";
import type { SettingsStore } from "./settingsStore.js";

const TOKEN_KEY = "babelcast.console.ownerToken";

export interface SignInEvents {
  /** No config address, or the server refused the credentials: the sign-in form. */
  onSignInNeeded(): void;
  /** Signed in; `resumable` is the running session to offer for reopening. */
  onSignedIn(resumable: SessionOwnerView | undefined): void;
}

/** What AWS calls from the console (Transcribe, Polly) sign with. */
export interface AwsAccess {
  /** Cloud: identity pool credentials. */
  readonly credentials?: AwsCredentialIdentityProvider;
  /** Embedded: the owner token, traded for temporary credentials. */
  readonly ownerToken?: string;
}

/**
 * Where the deployment is (the config document) and who the presenter is: the owner token
 * (embedded) or a Cognito sign-in (cloud); holds the API client once signed in.
 */
export function createSignInStore(deps: { notices: NoticesStore; settings: SettingsStore; events: SignInEvents }) {
  const { notices, settings, events } = deps;
  const config = signal<ConfigDocument | undefined>(undefined);
  let token: string | undefined;
  let cloud: CognitoSignedIn | undefined;
  let api: ConsoleApi | undefined;

  /** The config document: beside the page (embedded server), or the configured cloud URL. */
  const configUrl = (): string => {
    const fromQuery = new URLSearchParams(location.search).get("config");
    if (fromQuery) return fromQuery;
    if (location.protocol === "http:" || location.protocol === "https:")
      return new URL("/config.json", location.href).toString();
    return settings.settings.value.configUrl;
  };

  /** The bearer for the next request (a Cognito token is refreshed when close to expiry). */
  const bearer = async (): Promise<string> => {
    if (cloud) token = await cloud.idToken();
    return token ?? "";
  };

  const signedIn = async (): Promise<void> => {
    const doc = config.value;
    if (!doc || !token) return;
    api = new ConsoleApi(doc, bearer);
    try {
      const resumable = sessionToReopen(await api.listSessions());
      notices.clear("api");
      events.onSignedIn(resumable);
    } catch (err) {
      const unauthorized = err instanceof ConsoleApiError && (err.status === 401 || err.status === 403);
      if (unauthorized) {
        sessionStorage.removeItem(TOKEN_KEY);
        token = undefined;
        events.onSignInNeeded();
      }
      notices.push({
        id: "api",
        level: "error",
        text: (err as Error).message,
        ...(unauthorized ? {} : { action: { label: "Retry", run: () => void signedIn() } }),
      });
    }
  };

  const loadConfig = async (): Promise<void> => {
    const url = configUrl();
    if (!url) {
      events.onSignInNeeded();
      notices.push({
        id: "config",
        level: "warning",
        text: "Enter the address of your Babelcast deployment in Settings.",
      });
      return;
    }
    try {
      const res = await fetch(url, { cache: "no-store" });
      config.value = ConfigDocument.parse(await res.json());
      notices.clear("config");
    } catch {
      notices.push({
        id: "config",
        level: "error",
        text: `Cannot reach the Babelcast server (${url}). Check that it is running (npm start), then retry.`,
        action: { label: "Retry", run: () => void loadConfig() },
      });
      return;
    }
    if (config.value.auth.kind === "owner-token" && token) await signedIn();
    else events.onSignInNeeded();
  };

  return {
    config: config as ReadonlySignal<ConfigDocument | undefined>,
    /** The API client; present once signed in. */
    get api(): ConsoleApi | undefined {
      return api;
    },
    bearer,
    loadConfig,
    /** An owner token in the page's fragment is kept for the tab and taken out of the address bar. */
    readTokenFromLocation(): void {
      const fromFragment = tokenFromFragment(location.hash);
      if (fromFragment) {
        sessionStorage.setItem(TOKEN_KEY, fromFragment);
        history.replaceState(null, "", `${location.pathname}${location.search}${fragmentWithoutToken(location.hash)}`);
      }
      token = fromFragment ?? sessionStorage.getItem(TOKEN_KEY) ?? undefined;
    },
    /** Embedded sign-in: the owner token (pasted, when the page was opened without it). */
    async signInWithToken(pasted: string): Promise<void> {
      token = pasted.trim();
      sessionStorage.setItem(TOKEN_KEY, token);
      await signedIn();
    },
    /** Cloud sign-in: the user pool ID token is the API's bearer; identity pool credentials sign AWS calls. */
    async signInWithCognito(signed: CognitoSignedIn): Promise<void> {
      cloud = signed;
      token = await signed.idToken();
      await signedIn();
    },
    /** True after a Cognito sign-in (the console then offers to sign out). */
    get cognitoSignedIn(): boolean {
      return cloud !== undefined;
    },
    /** Cloud: revokes the sign-in's tokens and forgets them; the caller starts the page over. */
    async signOut(): Promise<void> {
      const signed = cloud;
      cloud = undefined;
      token = undefined;
      api = undefined;
      await signed?.signOut();
    },
    awsAccess(): AwsAccess {
      return cloud ? { credentials: cloud.credentials } : token ? { ownerToken: token } : {};
    },
  };
}

export type SignInStore = ReturnType<typeof createSignInStore>;
