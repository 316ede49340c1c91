/**
 * The one Content-Security-Policy of the console, for Electron and the headless shell alike.
 * Streams arrive over loopback WebSockets; mpegts.js feeds MSE through blob: URLs.
 * renderer/index.html repeats it as a meta tag (defence in depth, and what scanners read);
 * a unit test keeps the two equal.
 */
export const CSP_DIRECTIVES = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self' ws://127.0.0.1:*",
  "media-src 'self' blob:",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
];

/** frame-ancestors only works as a header (browsers ignore it in a meta tag). */
export const CSP = [...CSP_DIRECTIVES, "frame-ancestors 'none'"].join('; ');
export const CSP_META = CSP_DIRECTIVES.join('; ');
