/**
 * CSP of the bundled console (cloud mode): scripts and styles only from the app itself,
 * network only to https/wss (the config document, the API, KVS, Transcribe, Polly, Cognito).
 * `blob:` in script-src is for the recognizer's AudioWorklet module, loaded from a Blob URL.
 * The embedded server sends its own policy with the page it serves.
 */
export const CLOUD_CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self' blob:",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob: mediastream:",
  "font-src 'self'",
  "connect-src 'self' https: wss:",
  "worker-src 'self' blob:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join("; ");
