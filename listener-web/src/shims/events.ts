// Stands in for Node's `events` (6 KB minified in the page) under the SDK's SignalingClient, which
// extends EventEmitter and uses only `on`, `emit` and `removeAllListeners`. The compiled class calls
// `_super.call(this)`, so this must be a plain constructor function, not an ES class.
type Listener = (...args: unknown[]) => void;

interface EventEmitter {
  listenersByName?: Record<string, Listener[]>;
}

export function EventEmitter(this: EventEmitter): void {}

EventEmitter.prototype.on = function on(this: EventEmitter, name: string, listener: Listener) {
  this.listenersByName ??= {};
  this.listenersByName[name] = [...(this.listenersByName[name] ?? []), listener];
  return this;
};

/** Calls every listener of `name` in order; true when there was one (the SDK logs when there was not). */
EventEmitter.prototype.emit = function emit(this: EventEmitter, name: string, ...args: unknown[]) {
  const listeners = this.listenersByName?.[name] ?? [];
  for (const listener of [...listeners]) listener.apply(this, args);
  return listeners.length > 0;
};

EventEmitter.prototype.removeAllListeners = function removeAllListeners(this: EventEmitter, name?: string) {
  if (name === undefined) this.listenersByName = {};
  else delete this.listenersByName?.[name];
  return this;
};
