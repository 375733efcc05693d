import { randomBytes } from "node:crypto";
import { accessSync, constants, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";

/** The AWS-style credentials that the embedded AWS-compatible endpoints accept. */
export interface EmbeddedCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

export const CREDENTIALS_PROFILE = "babelcast";
export const CREDENTIALS_FILE = "aws-credentials";
export const OWNER_TOKEN_FILE = "owner-token";

export function defaultDataDir(): string {
  return join(homedir(), ".babelcast");
}

/** Creates the data dir if needed and proves it is writable; throws a message a person can act on. */
export function prepareDataDir(dir: string): string {
  const abs = resolve(dir);
  try {
    mkdirSync(abs, { recursive: true, mode: 0o700 });
    accessSync(abs, constants.W_OK);
  } catch (err) {
    throw new Error(
      `data dir ${abs} is not writable (${(err as NodeJS.ErrnoException).code ?? String(err)}): choose another with --data-dir`,
    );
  }
  return abs;
}

/** Renders credentials in the AWS shared-credentials file format. */
export function formatCredentialsFile(c: EmbeddedCredentials, profile = CREDENTIALS_PROFILE): string {
  return `[${profile}]\naws_access_key_id = ${c.accessKeyId}\naws_secret_access_key = ${c.secretAccessKey}\n`;
}

/** Reads one profile from a shared-credentials file's text; undefined when it is absent or incomplete. */
export function parseCredentialsFile(text: string, profile = CREDENTIALS_PROFILE): EmbeddedCredentials | undefined {
  let current = "";
  const values = new Map<string, string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    const section = /^\[(.+)\]$/.exec(line);
    if (section) {
      current = section[1] ?? "";
      continue;
    }
    const kv = /^([a-z_]+)\s*=\s*(.+)$/.exec(line);
    if (kv && current === profile) values.set(kv[1] ?? "", kv[2] ?? "");
  }
  const accessKeyId = values.get("aws_access_key_id");
  const secretAccessKey = values.get("aws_secret_access_key");
  return accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey } : undefined;
}

/** Loads the data dir's credentials, creating them on first start so they survive restarts. */
export function loadOrCreateCredentials(dataDir: string): EmbeddedCredentials {
  const file = join(dataDir, CREDENTIALS_FILE);
  try {
    const existing = parseCredentialsFile(readFileSync(file, "utf8"));
    if (existing) return existing;
  } catch {
    // absent: created below
  }
  const created: EmbeddedCredentials = {
    accessKeyId: `AKIDBABELCAST${randomBytes(4).toString("hex").toUpperCase()}`,
    secretAccessKey: randomBytes(30).toString("base64url"),
  };
  writeFileSync(file, formatCredentialsFile(created), { mode: 0o600 });
  return created;
}

/** Reads a secret kept in a data dir file, creating it (0600) on first start so it survives restarts. */
export function loadOrCreateSecretFile(dataDir: string, name: string, bytes = 24): string {
  const file = join(dataDir, name);
  try {
    const secret = readFileSync(file, "utf8").trim();
    if (secret.length >= 32) return secret;
  } catch {
    // absent: created below
  }
  const secret = randomBytes(bytes).toString("base64url");
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}

/** Loads the console owner's token, creating it on first start. */
export function loadOrCreateOwnerToken(dataDir: string): string {
  return loadOrCreateSecretFile(dataDir, OWNER_TOKEN_FILE);
}
