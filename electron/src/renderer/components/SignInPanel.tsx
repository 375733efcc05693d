import type { AuthConfig } from "@babelcast/protocol";
import { useState } from "preact/hooks";
import type { CognitoSignedIn } from "../auth/cognitoSignIn.js";

export interface SignInPanelProps {
  readonly auth: AuthConfig | undefined;
  readonly region: string;
  readonly onOwnerToken: (token: string) => void;
  readonly onCognito: (signed: CognitoSignedIn) => void;
}

/** Embedded: the owner token (when the page was opened without it). Cloud: Cognito e-mail and password. */
export function SignInPanel({ auth, region, onOwnerToken, onCognito }: SignInPanelProps) {
  const [token, setToken] = useState("");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [newPassword, setNewPassword] = useState<((p: string) => Promise<CognitoSignedIn>) | undefined>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  if (!auth) return <section class="panel sign-in">Loading…</section>;
  if (auth.kind === "owner-token") {
    return (
      <section class="panel sign-in" data-testid="sign-in">
        <h2>Open the console</h2>
        <p>
          Open the console from the link that <code>npm start</code> printed, or paste the owner token from the server's
          data folder (file <code>owner-token</code>).
        </p>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (token.trim()) onOwnerToken(token);
          }}
        >
          <input
            type="password"
            aria-label="Owner token"
            value={token}
            onInput={(e) => setToken((e.target as HTMLInputElement).value)}
          />
          <button type="submit">Open</button>
        </form>
      </section>
    );
  }
  const cognito = {
    region,
    userPoolId: auth.userPoolId,
    userPoolClientId: auth.userPoolClientId,
    identityPoolId: auth.identityPoolId,
  };
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const { signInWithCognito, NewPasswordRequired } = await import("../auth/cognitoSignIn.js");
      try {
        onCognito(newPassword ? await newPassword(password) : await signInWithCognito(cognito, email, password));
      } catch (err) {
        if (err instanceof NewPasswordRequired) {
          setNewPassword(() => err.complete);
          setPassword("");
        }
        setError((err as Error).message);
      }
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="panel sign-in" data-testid="sign-in">
      <h2>Sign in</h2>
      <form onSubmit={submit}>
        <label>
          E-mail
          <input
            type="email"
            autoComplete="username"
            value={email}
            onInput={(e) => setEmail((e.target as HTMLInputElement).value)}
          />
        </label>
        <label>
          {newPassword ? "New password" : "Password"}
          <input
            type="password"
            autoComplete={newPassword ? "new-password" : "current-password"}
            value={password}
            onInput={(e) => setPassword((e.target as HTMLInputElement).value)}
          />
        </label>
        <button type="submit" disabled={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
        {error && <p class="error">{error}</p>}
      </form>
    </section>
  );
}
