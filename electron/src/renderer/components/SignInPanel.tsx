import type { AuthConfig, ServiceEndpoints } from "@babelcast/protocol";
import { useEffect, useState } from "preact/hooks";
import QRCode from "qrcode";
import type {
  AuthenticatorSetup,
  CognitoConfig,
  CognitoSignedIn,
  PasswordReset,
  SignInStep,
} from "../auth/cognitoSignIn.js";
import { groupedSecret, normalizedCode } from "../auth/totpSetup.js";

export interface SignInPanelProps {
  readonly auth: AuthConfig | undefined;
  readonly region: string;
  /** Endpoint overrides (the embedded server's own user pool). */
  readonly endpoints?: ServiceEndpoints;
  readonly onOwnerToken: (token: string) => void;
  readonly onCognito: (signed: CognitoSignedIn) => void;
}

/** Embedded: the owner token (when the page was opened without it). Cloud: Cognito e-mail and password. */
export function SignInPanel({ auth, region, endpoints, onOwnerToken, onCognito }: SignInPanelProps) {
  if (!auth) return <section class="panel sign-in">Loading…</section>;
  if (auth.kind === "owner-token") return <OwnerTokenForm onOwnerToken={onOwnerToken} />;
  const config: CognitoConfig = {
    region,
    userPoolId: auth.userPoolId,
    userPoolClientId: auth.userPoolClientId,
    identityPoolId: auth.identityPoolId,
    ...(endpoints?.cognitoIdp ? { userPoolEndpoint: endpoints.cognitoIdp } : {}),
    ...(endpoints?.cognitoIdentity ? { identityPoolEndpoint: endpoints.cognitoIdentity } : {}),
  };
  return <CognitoSignIn config={config} onCognito={onCognito} />;
}

function OwnerTokenForm({ onOwnerToken }: { readonly onOwnerToken: (token: string) => void }) {
  const [token, setToken] = useState("");
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

/** What the Cognito panel shows: the sign-in form, a step the pool asked for, or the password reset. */
type View =
  | { readonly kind: "credentials" }
  | { readonly kind: "step"; readonly step: Exclude<SignInStep, { kind: "signedIn" }> }
  | { readonly kind: "forgot" }
  | { readonly kind: "reset"; readonly reset: PasswordReset }
  /** Signed in without an authenticator in a pool where it is optional: offer to add one. */
  | { readonly kind: "offerAuthenticator"; readonly signedIn: CognitoSignedIn }
  | { readonly kind: "addAuthenticator"; readonly signedIn: CognitoSignedIn; readonly setup: AuthenticatorSetup };

const loadSignIn = () => import("../auth/cognitoSignIn.js");

function CognitoSignIn({
  config,
  onCognito,
}: {
  readonly config: CognitoConfig;
  readonly onCognito: SignInPanelProps["onCognito"];
}) {
  const [view, setView] = useState<View>({ kind: "credentials" });
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [repeat, setRepeat] = useState("");
  const [code, setCode] = useState("");
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const [busy, setBusy] = useState(false);

  const show = (next: View) => {
    setView(next);
    setPassword("");
    setRepeat("");
    setCode("");
  };
  /** Runs one request; its failure stays on the same view with the message. */
  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    setNotice(undefined);
    try {
      await work();
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const advance = async (step: SignInStep) => {
    if (step.kind !== "signedIn") {
      show({ kind: "step", step });
      return;
    }
    // Not knowing (a failed GetUser) must not hold up the sign-in: no offer then.
    const protectedByCode = await step.signedIn.hasAuthenticator().catch(() => true);
    if (protectedByCode) onCognito(step.signedIn);
    else show({ kind: "offerAuthenticator", signedIn: step.signedIn });
  };
  const sixDigits = (): string => {
    const digits = normalizedCode(code);
    if (!digits) throw new Error("Type the six digits your authenticator app shows.");
    return digits;
  };
  const newPasswordPair = (): string => {
    if (password !== repeat) throw new Error("The two passwords differ. Type the same new password twice.");
    return password;
  };

  const submit = (e: Event) => {
    e.preventDefault();
    void run(async () => {
      if (view.kind === "credentials") {
        const { signInWithCognito } = await loadSignIn();
        await advance(await signInWithCognito(config, email.trim(), password));
      } else if (view.kind === "step") {
        const step = view.step;
        if (step.kind === "newPassword") await advance(await step.submit(newPasswordPair()));
        else await advance(await step.submit(sixDigits()));
      } else if (view.kind === "offerAuthenticator") {
        show({ kind: "addAuthenticator", signedIn: view.signedIn, setup: await view.signedIn.addAuthenticator() });
      } else if (view.kind === "addAuthenticator") {
        await view.setup.verify(sixDigits());
        onCognito(view.signedIn);
      } else if (view.kind === "forgot") {
        const { requestPasswordReset } = await loadSignIn();
        show({ kind: "reset", reset: await requestPasswordReset(config, email.trim()) });
      } else {
        await view.reset.confirm(code.trim(), newPasswordPair());
        show({ kind: "credentials" });
        setNotice("Password changed. Sign in with the new password.");
      }
    });
  };

  const emailField = (
    <label>
      E-mail
      <input
        type="email"
        autoComplete="username"
        data-testid="sign-in-email"
        value={email}
        onInput={(e) => setEmail((e.target as HTMLInputElement).value)}
      />
    </label>
  );
  const passwordField = (
    label: string,
    autoComplete: string,
    testId: string,
    value: string,
    set: (v: string) => void,
  ) => (
    <label>
      {label}
      <input
        type="password"
        autoComplete={autoComplete}
        data-testid={testId}
        value={value}
        onInput={(e) => set((e.target as HTMLInputElement).value)}
      />
    </label>
  );
  const newPasswordFields = (
    <>
      {passwordField("New password", "new-password", "new-password", password, setPassword)}
      {passwordField("New password again", "new-password", "new-password-repeat", repeat, setRepeat)}
      <p class="muted">At least 12 characters, with upper and lower case letters, a digit and a symbol.</p>
    </>
  );
  const codeField = (label: string, testId: string, oneTime: boolean) => (
    <label>
      {label}
      <input
        inputMode="numeric"
        autoComplete={oneTime ? "one-time-code" : "off"}
        data-testid={testId}
        value={code}
        onInput={(e) => setCode((e.target as HTMLInputElement).value)}
      />
    </label>
  );

  let title = "Sign in";
  let body = (
    <>
      {emailField}
      {passwordField("Password", "current-password", "sign-in-password", password, setPassword)}
    </>
  );
  let action = busy ? "Signing in…" : "Sign in";
  if (view.kind === "step" && view.step.kind === "newPassword") {
    title = "Choose your password";
    body = (
      <>
        <p>This is your first sign-in: replace the temporary password from your invitation.</p>
        {newPasswordFields}
      </>
    );
    action = "Set password";
  } else if (view.kind === "step" && view.step.kind === "mfaSetup") {
    title = "Set up your authenticator app";
    body = (
      <>
        <p>
          Babelcast asks for a code from an authenticator app (Google Authenticator, Microsoft Authenticator,
          1Password…) at each sign-in. Scan this code with the app, or add the key by hand, then type the six digits it
          shows.
        </p>
        <TotpQr keyUri={view.step.keyUri} />
        <p>
          Key: <code data-testid="totp-secret">{groupedSecret(view.step.secret)}</code>
        </p>
        {codeField("Code from the app", "totp-code", false)}
      </>
    );
    action = "Verify and sign in";
  } else if (view.kind === "step" && view.step.kind === "totp") {
    title = "Two-step sign-in";
    body = (
      <>
        <p>Type the six-digit code your authenticator app shows for Babelcast.</p>
        {codeField("Code", "totp-code", true)}
      </>
    );
    action = "Sign in";
  } else if (view.kind === "offerAuthenticator") {
    title = "Protect your account";
    body = (
      <p>
        Add an authenticator app, and each sign-in will also ask for a six-digit code from your phone: a stolen password
        alone will no longer open your talks.
      </p>
    );
    action = "Set up an authenticator app";
  } else if (view.kind === "addAuthenticator") {
    title = "Add your authenticator app";
    body = (
      <>
        <p>Scan this code with the app, or add the key by hand, then type the six digits it shows.</p>
        <TotpQr keyUri={view.setup.keyUri} />
        <p>
          Key: <code data-testid="totp-secret">{groupedSecret(view.setup.secret)}</code>
        </p>
        {codeField("Code from the app", "totp-code", false)}
      </>
    );
    action = "Verify and continue";
  } else if (view.kind === "forgot") {
    title = "Reset your password";
    body = (
      <>
        <p>We will e-mail you a code to choose a new password.</p>
        {emailField}
      </>
    );
    action = "Send code";
  } else if (view.kind === "reset") {
    title = "Choose a new password";
    body = (
      <>
        <p data-testid="reset-destination">We sent a code to {view.reset.destination}. It is valid for one hour.</p>
        {codeField("Code from the e-mail", "reset-code", true)}
        {newPasswordFields}
      </>
    );
    action = "Set password";
  }

  return (
    <section class="panel sign-in" data-testid="sign-in" data-step={view.kind === "step" ? view.step.kind : view.kind}>
      <h2>{title}</h2>
      <form onSubmit={submit}>
        {body}
        <button type="submit" data-testid="sign-in-submit" disabled={busy}>
          {busy ? "Please wait…" : action}
        </button>
        {error && (
          <p class="error" role="alert" data-testid="sign-in-error">
            {error}
          </p>
        )}
        {notice && (
          <p class="notice" role="status" data-testid="sign-in-notice">
            {notice}
          </p>
        )}
      </form>
      {view.kind === "offerAuthenticator" || view.kind === "addAuthenticator" ? (
        <button type="button" class="link" data-testid="skip-authenticator" onClick={() => onCognito(view.signedIn)}>
          Not now
        </button>
      ) : view.kind === "credentials" ? (
        <button type="button" class="link" data-testid="forgot-password" onClick={() => show({ kind: "forgot" })}>
          Forgot password?
        </button>
      ) : (
        <button type="button" class="link" data-testid="back-to-sign-in" onClick={() => show({ kind: "credentials" })}>
          Back to sign-in
        </button>
      )}
    </section>
  );
}

/** The authenticator key as a QR code (drawn locally: the secret never leaves the console). */
function TotpQr({ keyUri }: { readonly keyUri: string }) {
  const [src, setSrc] = useState<string>();
  useEffect(() => {
    let live = true;
    void QRCode.toDataURL(keyUri, { errorCorrectionLevel: "M", margin: 2, width: 240 }).then(
      (url) => live && setSrc(url),
    );
    return () => {
      live = false;
    };
  }, [keyUri]);
  return src ? (
    <img class="totp-qr" data-testid="totp-qr" src={src} alt="QR code to add Babelcast to an authenticator app" />
  ) : null;
}
