// The page never signs: its requestSigner returns the backend's presigned URL, and SignalingClient
// builds its own SigV4 signer (and the Web Crypto polyfill behind it) only when none is given.
export class SigV4RequestSigner {
  constructor() {
    throw new Error("the listener page connects with a presigned URL only");
  }
}
