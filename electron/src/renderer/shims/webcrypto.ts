// The KVS SDK imports isomorphic-webcrypto for old browsers; Chromium has WebCrypto.
export default globalThis.crypto;
