// Stands in for `ws`: the SDK reaches for it only where the global WebSocket is missing (Node).
export default undefined;
