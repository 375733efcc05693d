// The KVS SDK's `ws` import is for Node; the browser has WebSocket.
export default globalThis.WebSocket;
