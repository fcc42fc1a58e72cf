// One live instance of a compiled module, on either path, behind the same small interface: call a route.
// Calls may throw (traps, host limits); the runner turns that into an outcome and discards the instance.
import type { CompiledModule, FastModule, JcoModule } from './engine.ts';
import { type BindingMode, copyIn } from './fast-binding.ts';
import { HostLimitError } from './limits.ts';
import { type Linker, runtimeImports } from './linker.ts';
import { FUEL_EXPORT, RUNTIME_IMPORT } from './runtime-names.ts';
import type { Store } from './store.ts';

export type RouteName = 'request-route' | 'reply-route' | 'named-route';

export interface RouteInstance {
  /** Runs a route; `name` is the named route's argument (a byte string). */
  call(route: RouteName, name: string | undefined): void;
}

/** One live instance whose routes may wait in KSR calls (JSPI): a call settles when the route returned. */
export interface SuspendingInstance {
  call(route: RouteName, name: string | undefined): Promise<void>;
}

/**
 * Instantiates `module` with the linker's host functions bound to `store`. Throws if instantiation fails.
 * A suspending function (LinkerOptions.suspending) it imports is bound 'unwaited': this instance's routes
 * are called directly, where nothing can wait.
 */
export function instantiate(module: CompiledModule, linker: Linker, store: Store): RouteInstance {
  return module.path === 'fast'
    ? instantiateFast(module, linker, store, 'unwaited')
    : instantiateJco(module, linker, store);
}

/**
 * Instantiates a fast-path `module` whose suspending imports are `WebAssembly.Suspending` and whose routes
 * are called through `WebAssembly.promising`. The post-return function runs once the route's Promise
 * settled, as part of the call.
 */
export function instantiateSuspending(module: FastModule, linker: Linker, store: Store): SuspendingInstance {
  const exports = fastExports(module, linker, store, 'suspending');
  const route = (name: RouteName) => WebAssembly.promising(exports[name] as Export);
  const post = (name: RouteName): Export | undefined =>
    module.postReturn.includes(name) ? (exports[`cabi_post_${name}`] as Export) : undefined;
  const request = route('request-route');
  const reply = route('reply-route');
  const named = route('named-route');
  const postRequest = post('request-route');
  const postReply = post('reply-route');
  const postNamed = post('named-route');
  return {
    async call(which, name) {
      if (which === 'request-route') {
        await request();
        postRequest?.();
      } else if (which === 'reply-route') {
        await reply();
        postReply?.();
      } else {
        const value = name ?? '';
        const ptr = copyIn(store, 'named-route', value, 'the route name');
        await named(ptr, value.length);
        postNamed?.();
      }
    },
  };
}

type Export = (...args: number[]) => unknown;

function fastExports(
  module: FastModule,
  linker: Linker,
  store: Store,
  mode: BindingMode,
): WebAssembly.Exports {
  const { exports } = new WebAssembly.Instance(module.core, linker.fastImports(module, store, mode));
  if (store.fuelMode === 'export') store.adoptFuel(exports[FUEL_EXPORT] as WebAssembly.Global);
  store.memory = exports.memory as WebAssembly.Memory;
  store.realloc = exports.cabi_realloc as NonNullable<Store['realloc']>;
  store.views();
  return exports;
}

function instantiateFast(module: FastModule, linker: Linker, store: Store, mode: BindingMode): RouteInstance {
  const exports = fastExports(module, linker, store, mode);
  const route = (name: RouteName): Export => exports[name] as Export;
  const post = (name: RouteName): Export | undefined =>
    module.postReturn.includes(name) ? (exports[`cabi_post_${name}`] as Export) : undefined;
  const request = route('request-route');
  const reply = route('reply-route');
  const named = route('named-route');
  const postRequest = post('request-route');
  const postReply = post('reply-route');
  const postNamed = post('named-route');
  return {
    call(which, name) {
      if (which === 'request-route') {
        request();
        postRequest?.();
      } else if (which === 'reply-route') {
        reply();
        postReply?.();
      } else {
        const value = name ?? '';
        const ptr = copyIn(store, 'named-route', value, 'the route name');
        named(ptr, value.length);
        postNamed?.();
      }
    },
  };
}

function instantiateJco(module: JcoModule, linker: Linker, store: Store): RouteInstance {
  const instantiateGlue = linker.glue.instantiate(module.glueHash, module.glueBody);
  const runtime = runtimeImports(store);
  const exports = instantiateGlue(
    (name) => {
      const core = module.cores[name];
      if (!core) throw new Error(`jco glue asked for an unknown core module '${name}'`);
      return core;
    },
    linker.jcoImports(module, store),
    (core, imports) => new WebAssembly.Instance(core, { ...imports, [RUNTIME_IMPORT]: runtime }),
  );
  if (typeof (exports as { then?: unknown }).then === 'function') {
    throw new Error('jco glue instantiated asynchronously (the component needs async imports)');
  }
  const request = exports.requestRoute as () => void;
  const reply = exports.replyRoute as () => void;
  const named = exports.namedRoute as (name: string) => void;
  return {
    call(which, name) {
      if (which === 'request-route') request();
      else if (which === 'reply-route') reply();
      else {
        const value = name ?? '';
        if (value.length > store.maxString) {
          throw new HostLimitError(
            'string',
            `named-route: the route name is ${value.length} bytes, above the ${store.maxString}-byte string limit`,
          );
        }
        named(Buffer.from(value, 'latin1').toString('utf8'));
      }
    },
  };
}
