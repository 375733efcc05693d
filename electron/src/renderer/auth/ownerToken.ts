/**
 * The embedded server's console URL carries the owner token in its fragment
 * (`/console/#token=…`): fragments never reach a server's request line or logs.
 */
export function tokenFromFragment(hash: string): string | undefined {
  const params = new URLSearchParams(hash.startsWith("#") ? hash.slice(1) : hash);
  const token = params.get("token")?.trim();
  return token ? token : undefined;
}

/** The fragment without the token, so it does not linger in the address bar or history. */
export function fragmentWithoutToken(hash: string): string {
  const params = new URLSearchParams(hash.startsWith("#") ? hash.slice(1) : hash);
  params.delete("token");
  const rest = params.toString();
  return rest ? `#${rest}` : "";
}
