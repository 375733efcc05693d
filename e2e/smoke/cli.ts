// `npm run smoke -- --config URL [--token OWNER_TOKEN | --username EMAIL --password PASSWORD]`:
// the post-deploy check an admin runs against a real stack (see docs/deploy.md). Prints each
// step's latency and exits non-zero on the first step that fails.
import { parseArgs } from "node:util";
import type { ConfigDocument } from "@babelcast/protocol";
import { signInWithCognito } from "../../electron/src/renderer/auth/cognitoSignIn.js";
import { ownerTokenIdentity, type PresenterIdentity, runSmoke } from "./postDeploySmoke.js";

const USAGE = `usage: npm run smoke -- --config https://YOUR-SITE/config.json --username EMAIL --password PASSWORD [--totp CODE]
       npm run smoke -- --config http://HOST:PORT/config.json --token OWNER_TOKEN   (embedded server)`;

const { values } = parseArgs({
  options: {
    config: { type: "string" },
    token: { type: "string" },
    username: { type: "string" },
    password: { type: "string" },
    totp: { type: "string" },
    languages: { type: "string", default: "es,fr" },
    help: { type: "boolean", default: false },
  },
});

async function signIn(config: ConfigDocument): Promise<PresenterIdentity> {
  if (config.auth.kind === "owner-token") {
    if (!values.token) throw new Error("this deployment signs presenters in with the owner token: pass --token");
    return ownerTokenIdentity(config, values.token);
  }
  if (!values.username || !values.password) {
    throw new Error("this deployment signs presenters in with Cognito: pass --username and --password");
  }
  // The same sign-in code as the console's, so the check proves what presenters will use.
  let step = await signInWithCognito({ region: config.region, ...config.auth }, values.username, values.password);
  if (step.kind === "totp") {
    if (!values.totp) throw new Error("this presenter uses an authenticator app: pass --totp with a current code");
    step = await step.submit(values.totp);
  }
  if (step.kind !== "signedIn") {
    throw new Error(`the presenter's first sign-in is not finished (${step.kind}): sign in once in the console first`);
  }
  const { signedIn } = step;
  return { token: await signedIn.idToken(), credentials: () => signedIn.credentials() };
}

async function main(): Promise<void> {
  if (values.help || !values.config) {
    console.log(USAGE);
    process.exit(values.help ? 0 : 2);
  }
  const languages = (values.languages ?? "es,fr").split(",");
  if (languages.length !== 2) throw new Error("--languages takes two language codes, e.g. es,fr");
  const report = await runSmoke({
    configUrl: values.config,
    signIn,
    languages: languages as [string, string],
    log: (line) => console.log(line),
  });
  const total = report.steps.reduce((sum, s) => sum + s.ms, 0);
  console.log(`smoke check passed: session ${report.sessionId}, ${report.steps.length} steps in ${total} ms`);
}

main().catch((err: unknown) => {
  console.error(`smoke check FAILED: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
