// The SDK's SigV4 signer imports `isomorphic-webcrypto` (a polyfill for old browsers). The page
// never signs (its requestSigner returns a presigned URL), and every browser it runs in has Web Crypto.
export default globalThis.crypto;
