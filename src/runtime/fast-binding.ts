// The fast canonical-ABI binding: for each KSR function, a host function with exactly the lowered core
// signature, generated as JS source from the WIT types (trusted input: the contract and the tables) and
// compiled once per function with `new Function`. Per instance, the factory closes over the Store and the
// table's implementation. Strings are byte strings: guest bytes become one char each (latin1), and back.
// Cold paths (limits, faults) live in `helpers` so the generated bodies stay small enough to inline.

// The module's `performance`, not the global: the global is a lazy accessor that runs a receiver check on
// every read, and the clock is read on every invocation and KSR call.
import { performance } from 'node:perf_hooks';
import { optionPayloadOffset, returnArea } from './canonical-abi.ts';
import { HostLimitError } from './limits.ts';
import type { Context, Store } from './store.ts';
import { waitBounds } from './wait-bounds.ts';
import type { WitFunction } from './wit.ts';

export type HostImpl = (ctx: Context, ...args: never[]) => unknown;
// biome-ignore lint/complexity/noBannedTypes: a generated host function of any core signature.
export type HostFunction = Function;
export type Factory = (store: Store, impl: HostImpl, helpers: Helpers) => HostFunction;

/**
 * How a host function treats a table function that may answer with a Promise (LinkerOptions.suspending):
 * `sync`, it never does (today's binding); `suspending`, the binding is a `WebAssembly.Suspending` import
 * and the guest waits for the answer (bounded by `Store.asyncTimeoutMs`), the result written to guest
 * memory when it arrives; `unwaited`, the route runs where nothing can wait (an instance called without
 * `WebAssembly.promising`): a Promise is answered at once with the function's failure value, as a timeout.
 */
export type BindingMode = 'sync' | 'suspending' | 'unwaited';

/**
 * What a KSR function gives the guest when its answer did not come in time (or could not be waited for):
 * what Kamailio's function gives when its database is unreachable (-1, false, none, "").
 */
const FAILURE_VALUE: Record<string, string> = {
  none: 'undefined',
  s32: '-1',
  bool: 'false',
  string: "''",
  'option<string>': 'undefined',
};

/** Parameter and result types the generator handles; checkBindings reports any other as a mismatch. */
export const BINDABLE_PARAMS: ReadonlySet<string> = new Set(['string', 's32']);
export const BINDABLE_RESULTS: ReadonlySet<string> = new Set([
  'none',
  'string',
  's32',
  'bool',
  'option<string>',
]);

// Strings up to this length are read with a char loop, longer ones with one latin1Slice call (measured).
const SHORT_READ = 4;
const SHORT_WRITE = 32;
const WIDE = /[^\0-\xff]/;

/** Generates the factory for one function of interface `iface`. Throws for types outside the bindable set. */
export function hostFactory(iface: string, fn: WitFunction, mode: BindingMode = 'sync'): Factory {
  const where = `${iface}.${fn.name}`;
  const W = JSON.stringify(where);
  const params: string[] = [];
  const body: string[] = [
    'const c = ++S.calls;',
    `if (c > S.maxCalls || (c & 15) === 0) H.tick(S, ${W});`,
    'let m = S.u8;',
    'if (m.length === 0) m = S.views();',
  ];
  const args: string[] = [];
  fn.params.forEach((p, i) => {
    const name = JSON.stringify(p.name);
    if (p.type === 's32') {
      params.push(`a${i}`);
    } else if (p.type === 'string') {
      params.push(`p${i}`, `n${i}`);
      body.push(
        `p${i} >>>= 0; n${i} >>>= 0;`,
        `if (n${i} > S.maxString) H.tooLong(S, ${W}, ${name}, n${i});`,
        `if ((S.argumentBytes += n${i}) > S.maxArguments) H.tooMuch(S, ${W});`,
        `if (p${i} + n${i} > m.length) H.outside(S, ${W}, ${name}, p${i}, n${i});`,
        `let a${i};`,
        `if (n${i} <= ${SHORT_READ}) { a${i} = ''; for (let k = p${i}, e = p${i} + n${i}; k < e; k++) a${i} += String.fromCharCode(m[k]); }`,
        `else a${i} = m.latin1Slice(p${i}, p${i} + n${i});`,
      );
    } else throw new Error(`${where}: parameter type ${p.type} has no binding`);
    args.push(`a${i}`);
  });

  const result = fn.result;
  if (!BINDABLE_RESULTS.has(result)) throw new Error(`${where}: result type ${result} has no binding`);
  const retptr = result === 'string' || result === 'option<string>';
  if (retptr) {
    const size = returnArea(result).size;
    params.push('rp');
    body.push('rp >>>= 0;', `if ((rp & 3) !== 0 || rp + ${size} > m.length) H.badRetptr(S, ${W}, rp);`);
  }
  body.push(
    'let r;',
    `try { r = F(S.ctx${args.map((a) => `, ${a}`).join('')}); } catch (e) { H.hostError(S, ${W}, e); }`,
  );
  const written: string[] = [];
  switch (result) {
    case 'none':
      break;
    case 's32':
      written.push('return r | 0;');
      break;
    case 'bool':
      written.push('return r ? 1 : 0;');
      break;
    case 'string':
      written.push(`H.putString(S, ${W}, r, rp);`);
      break;
    case 'option<string>':
      written.push(
        'if (r === undefined || r === null) m[rp] = 0;',
        `else { H.putString(S, ${W}, r, rp + ${optionPayloadOffset(result)}); S.u8[rp] = 1; }`,
      );
      break;
  }
  const thenable = "r !== null && typeof r === 'object' && typeof r.then === 'function'";
  if (mode === 'suspending') {
    // The result is written once the answer came: guest memory views are taken again then.
    body.push(
      `if (${thenable}) return H.later(S, ${W}, r, ${FAILURE_VALUE[result]}, (r) => { let m = S.u8; if (m.length === 0) m = S.views(); ${written.join(' ')} });`,
    );
  } else if (mode === 'unwaited') {
    body.push(`if (${thenable}) r = H.unwaited(S, ${W}, r, ${FAILURE_VALUE[result]});`);
  }
  body.push(...written);
  const ident = `ksr_${iface}_${fn.name}`.replace(/[^A-Za-z0-9_]/g, '_');
  const source = `'use strict';\nreturn function ${ident}(${params.join(', ')}) {\n  ${body.join('\n  ')}\n};`;
  return new Function('S', 'F', 'H', source) as Factory;
}

export interface Helpers {
  tick(S: Store, where: string): void;
  tooLong(S: Store, where: string, param: string, length: number): never;
  tooMuch(S: Store, where: string): never;
  outside(S: Store, where: string, param: string, ptr: number, length: number): never;
  badRetptr(S: Store, where: string, ptr: number): never;
  hostError(S: Store, where: string, error: unknown): never;
  putString(S: Store, where: string, value: unknown, at: number): void;
  later(
    S: Store,
    where: string,
    answer: PromiseLike<unknown>,
    failure: unknown,
    write: (r: unknown) => unknown,
  ): Promise<unknown>;
  unwaited(S: Store, where: string, answer: PromiseLike<unknown>, failure: unknown): unknown;
}

export const helpers: Helpers = {
  tick(S, where) {
    if (S.ctx === undefined)
      throw S.raise(new HostLimitError('context', `${where} called outside a route invocation`));
    if (S.calls > S.maxCalls) {
      throw S.raise(
        new HostLimitError('calls', `${where}: more than ${S.maxCalls} KSR calls in one invocation`),
      );
    }
    if (performance.now() > S.deadline && S.overDeadline()) {
      throw S.raise(
        new HostLimitError(
          'deadline',
          `${where}: the invocation is past its deadline (${S.deadlineMs} ms of CPU time)`,
        ),
      );
    }
  },
  tooLong(S, where, param, length) {
    throw S.raise(
      new HostLimitError(
        'string',
        `${where}: argument '${param}' is ${length} bytes, above the ${S.maxString}-byte string limit`,
      ),
    );
  },
  tooMuch(S, where) {
    throw S.raise(
      new HostLimitError(
        'arguments',
        `${where}: the string arguments of this invocation total more than ${S.maxArguments} bytes`,
      ),
    );
  },
  outside(S, where, param, ptr, length) {
    throw S.raise(
      new WebAssembly.RuntimeError(
        `${where}: argument '${param}' (${length} bytes at ${ptr}) is outside guest memory`,
      ),
    );
  },
  badRetptr(S, where, ptr) {
    throw S.raise(
      new WebAssembly.RuntimeError(
        `${where}: return area pointer ${ptr} is misaligned or outside guest memory`,
      ),
    );
  },
  hostError(S, where, error) {
    if (!(error instanceof HostLimitError) && !isStackOverflow(error)) S.hostFault = where;
    throw S.raise(error);
  },
  putString(S, where, value, at) {
    if (typeof value !== 'string') {
      S.hostFault = where;
      throw S.raise(new TypeError(`${where} returned ${typeof value}, expected a string`));
    }
    const ptr = copyIn(S, where, value, 'result');
    const w = at >>> 2;
    S.i32[w] = ptr;
    S.i32[w + 1] = value.length;
  },
  later(S, where, answer, failure, write) {
    const started = S.suspend();
    return new Promise((resolve, reject) => {
      let settled = false;
      // Each branch runs once: the answer, its rejection or the timeout, whichever comes first; a late
      // answer (or rejection) is ignored, never unhandled.
      const finish = (value: unknown): void => {
        try {
          resolve(write(value));
        } catch (e) {
          reject(e);
        }
      };
      const bound = waitBounds.start(S.asyncTimeoutMs, () => {
        if (settled) return;
        settled = true;
        S.resume(started);
        S.timedOut(where);
        finish(failure);
      });
      Promise.resolve(answer).then(
        (value) => {
          if (settled) return;
          settled = true;
          waitBounds.cancel(bound);
          S.resume(started);
          finish(value);
        },
        (error: unknown) => {
          if (settled) return;
          settled = true;
          waitBounds.cancel(bound);
          S.resume(started);
          try {
            helpers.hostError(S, where, error);
          } catch (e) {
            reject(e);
          }
        },
      );
    });
  },
  unwaited(S, where, answer, failure) {
    Promise.resolve(answer).catch(() => {});
    S.timedOut(where);
    return failure;
  },
};

/** Copies a byte string into memory the guest's cabi_realloc allocates; returns its address. */
export function copyIn(S: Store, where: string, value: string, what: string): number {
  const n = value.length;
  if (n > S.maxString) {
    throw S.raise(
      new HostLimitError(
        'string',
        `${where}: ${what} is ${n} bytes, above the ${S.maxString}-byte string limit`,
      ),
    );
  }
  // As jco does, an empty string gets the dangling pointer 1 without calling the guest's allocator.
  const ptr = n === 0 ? 1 : (S.realloc as NonNullable<Store['realloc']>)(0, 0, 1, n) >>> 0;
  let m = S.u8;
  if (m.length === 0) m = S.views();
  if (ptr + n > m.length)
    throw S.raise(
      new WebAssembly.RuntimeError(
        `${where}: cabi_realloc returned ${ptr}, outside guest memory for ${n} bytes`,
      ),
    );
  if (n <= SHORT_WRITE) {
    let high = 0;
    for (let i = 0; i < n; i++) {
      const c = value.charCodeAt(i);
      high |= c;
      m[ptr + i] = c;
    }
    if (high > 0xff) wide(S, where);
  } else {
    if (WIDE.test(value)) wide(S, where);
    m.latin1Write(value, ptr, n);
  }
  return ptr;
}

export function isStackOverflow(error: unknown): boolean {
  return error instanceof RangeError && /call stack/i.test(error.message);
}

function wide(S: Store, where: string): never {
  S.hostFault = where;
  throw S.raise(
    new TypeError(`${where} returned a string with a char above 0xFF: host strings must be byte strings`),
  );
}
