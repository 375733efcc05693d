import { type ContainerSpec, LambdaContainer } from "./lambdaContainer.js";
import type { LambdaSettings } from "./lambdaSettings.js";

interface QueuedInvocation {
  readonly payload: string;
  resolve(result: string): void;
  reject(err: unknown): void;
}

/** What a pool has done, for tests and the cold-start figures. */
export interface PoolStats {
  readonly containersStarted: number;
  readonly coldStartsMs: readonly number[];
  readonly invocations: number;
}

/**
 * The execution environments of one function. Each invocation goes to the next idle slot in
 * turn (a container is started there if the slot is empty), so consecutive invocations land
 * in different containers as they may in Lambda; when every container is busy the
 * invocation waits for one. A container is recycled after `recycleAfterInvocations`
 * invocations or `recycleAfterIdleMs` without one, and its module state is gone with it.
 *
 * Like Lambda with on-demand concurrency, the pool pre-initializes environments so that fewer
 * invocations wait for an init: the replacement of a container recycled after its invocations,
 * and the slot the next invocation goes to when it has none. "Lambda occasionally
 * pre-initializes execution environments to reduce the number of cold start invocations. For
 * example, Lambda might initialize a new execution environment to replace an execution
 * environment that is about to be shut down."
 * (https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html, Init phase).
 * A pre-initialized environment is new (no module state carried over) and is recycled when idle
 * like any other; an environment recycled for idleness is not replaced. Without this, every
 * recycle put a whole init (0.3-1.3 s measured on 2 cores) in front of a live caption.
 */
export class FunctionPool {
  private readonly slots: (LambdaContainer | undefined)[];
  private readonly idleTimers = new Map<LambdaContainer, ReturnType<typeof setTimeout>>();
  private readonly queue: QueuedInvocation[] = [];
  private nextSlot = 0;
  private closed = false;
  private started = 0;
  private invoked = 0;
  private readonly coldStarts: number[] = [];

  constructor(
    private readonly spec: ContainerSpec,
    private readonly settings: LambdaSettings,
  ) {
    this.slots = new Array(settings.containersPerFunction).fill(undefined);
  }

  invoke(payload: string): Promise<string> {
    if (this.closed) return Promise.reject(new Error(`${this.spec.functionName} is shut down`));
    return new Promise((resolve, reject) => {
      this.queue.push({ payload, resolve, reject });
      this.dispatch();
    });
  }

  stats(): PoolStats {
    return { containersStarted: this.started, coldStartsMs: [...this.coldStarts], invocations: this.invoked };
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const slot = this.freeSlot();
      if (slot === undefined) return;
      const invocation = this.queue.shift() as QueuedInvocation;
      this.nextSlot = (slot + 1) % this.slots.length;
      this.run(slot, this.containerAt(slot), invocation);
      this.preInitialize(this.nextSlot);
    }
  }

  /** Starts an environment in an empty slot ahead of its first invocation; it is recycled if none comes. */
  private preInitialize(slot: number): void {
    if (this.closed || this.slots[slot]?.alive) return;
    const container = this.containerAt(slot);
    this.idleTimers.set(
      container,
      setTimeout(() => this.retire(slot, container), this.settings.recycleAfterIdleMs).unref(),
    );
  }

  /** The first slot from `nextSlot` on whose container is idle, dead or not started. */
  private freeSlot(): number | undefined {
    for (let i = 0; i < this.slots.length; i++) {
      const slot = (this.nextSlot + i) % this.slots.length;
      const container = this.slots[slot];
      if (!container?.alive || !container.busy) return slot;
    }
    return undefined;
  }

  private containerAt(slot: number): LambdaContainer {
    const existing = this.slots[slot];
    if (existing?.alive) {
      clearTimeout(this.idleTimers.get(existing));
      this.idleTimers.delete(existing);
      return existing;
    }
    const container = new LambdaContainer(this.spec);
    this.started += 1;
    container.ready.then(
      () => this.coldStarts.push(container.coldStartMs),
      () => undefined,
    );
    this.slots[slot] = container;
    return container;
  }

  private run(slot: number, container: LambdaContainer, invocation: QueuedInvocation): void {
    this.invoked += 1;
    container
      .invoke(invocation.payload)
      .then(invocation.resolve, invocation.reject)
      .finally(() => {
        if (!container.alive) {
          this.retire(slot, container);
        } else if (container.invocations >= this.settings.recycleAfterInvocations) {
          this.retire(slot, container);
          this.preInitialize(slot);
        } else if (!this.closed) {
          this.idleTimers.set(
            container,
            setTimeout(() => this.retire(slot, container), this.settings.recycleAfterIdleMs).unref(),
          );
        }
        this.dispatch();
      });
  }

  private retire(slot: number, container: LambdaContainer): void {
    clearTimeout(this.idleTimers.get(container));
    this.idleTimers.delete(container);
    if (this.slots[slot] === container) this.slots[slot] = undefined;
    void container.kill();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const queued of this.queue.splice(0)) queued.reject(new Error(`${this.spec.functionName} is shut down`));
    for (const timer of this.idleTimers.values()) clearTimeout(timer);
    this.idleTimers.clear();
    const containers = this.slots.filter((c): c is LambdaContainer => c !== undefined);
    this.slots.fill(undefined);
    await Promise.all(containers.map((c) => c.kill()));
  }
}
