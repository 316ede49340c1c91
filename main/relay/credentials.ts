/**
 * A camera's URL with its credentials (user name from the catalogue, password from the secret
 * store), for ffmpeg only: never logged (redact.ts), never journaled, never sent to a renderer.
 */
export function withCredentials(url: string, username: string | null, password: string | undefined): string {
  if (!username || url.startsWith('sim:')) return url;
  const u = new URL(url);
  u.username = encodeURIComponent(username);
  if (password !== undefined) u.password = encodeURIComponent(password);
  return u.toString();
}
