// The SDK is CommonJS, so its `require("tslib")` would pull in every tslib helper (11 KB minified):
// the page gets only the six its SignalingClient calls, each written for that call in today's
// JavaScript (tslib's own carry fallbacks for ES3/ES5 engines, about 640 B gzip more).
// test/shims/tslib.test.ts checks them against tslib and against the SDK's source.

/** tslib's `__extends` for ES5 classes: the subclass inherits the base's prototype and statics. */
// biome-ignore lint/complexity/noBannedTypes: tslib's signature
export function __extends(d: Function, b: Function): void {
  Object.setPrototypeOf(d, b);
  d.prototype = Object.create(b.prototype, { constructor: { value: d, writable: true, configurable: true } });
}
export const __assign = Object.assign;
export const __importDefault = (mod: unknown) =>
  (mod as { __esModule?: boolean })?.__esModule ? mod : { default: mod };
/** `pack` (holes become undefined) is what Array.from does anyway. */
export const __spreadArray = (to: unknown[], from: ArrayLike<unknown>, _pack?: boolean) => to.concat(Array.from(from));

/** What a compiled generator body returns: `[4, value]` yields (here: awaits) value, `[2, value]` returns it. */
type Instruction = [op: number, value?: unknown];

interface GeneratorState {
  label: number;
  sent(): unknown;
}

interface Stepper {
  next(value?: unknown): { value: unknown; done: boolean };
}

/**
 * tslib's `__generator` runs every shape of compiled generator (try/catch/finally, `yield*`,
 * breaks), about 1 KB minified. The SDK's one caller, SignalingClient's `asyncOpen`, awaits once
 * and returns: this runs yield (op 4) and return (op 2) as tslib does, and refuses any other op,
 * so an SDK version compiled to other shapes fails loudly (test/shims/tslib.test.ts reads the
 * SDK's source to catch it earlier).
 */
export function __generator(thisArg: unknown, body: (state: GeneratorState) => Instruction): Stepper {
  let sent: unknown;
  const state: GeneratorState = { label: 0, sent: () => sent };
  return {
    next(value) {
      sent = value;
      const [op, result] = body.call(thisArg, state);
      if (op === 4) {
        state.label++;
        return { value: result, done: false };
      }
      if (op === 2) return { value: result, done: true };
      throw new Error(`tslib stand-in: generator op ${op} is not supported`);
    },
  };
}

/** tslib's `__awaiter` over a generator of `__generator` above: awaits what it yields, resolves what it returns. */
export const __awaiter = (thisArg: unknown, _args: unknown, _P: unknown, generator: () => Stepper): Promise<unknown> =>
  new Promise((resolve, reject) => {
    const g = generator.call(thisArg);
    const step = (value?: unknown) => {
      const r = g.next(value);
      if (r.done) resolve(r.value);
      else Promise.resolve(r.value).then(step).catch(reject);
    };
    step();
  });
