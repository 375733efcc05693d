/** True when `pathname` is `prefix` itself or lies under it. */
export function underPrefix(pathname: string, prefix: string): boolean {
  const bare = prefix.endsWith("/") ? prefix.slice(0, -1) : prefix;
  return pathname === bare || pathname.startsWith(`${bare}/`);
}
