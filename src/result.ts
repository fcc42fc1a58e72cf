// The one shape of an operation that can fail as expected (parse, validate, bind, upload, send): errors are
// values, exceptions are bugs (DESIGN.md). `value` on success; on failure an `error`, which is a string only
// where nobody branches on the cause (start-up messages shown to an operator), and otherwise a Problem whose
// `code` is a closed union a caller can switch on.
export type Result<T, E = string> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: E };

/** An error value: a code from a closed union, and one line saying what was wrong and where. */
export interface Problem<C extends string = string> {
  readonly code: C;
  readonly message: string;
}

export function ok<T>(value: T): { readonly ok: true; readonly value: T } {
  return { ok: true, value };
}

/** The success that carries no value, shared and frozen: a hot path that succeeds allocates nothing. */
export const OK: { readonly ok: true; readonly value: undefined } = Object.freeze(ok(undefined));

export function err<E>(error: E): { readonly ok: false; readonly error: E } {
  return { ok: false, error };
}

/** A Problem as a failed Result. */
export function fail<C extends string>(
  code: C,
  message: string,
): { readonly ok: false; readonly error: Problem<C> } {
  return { ok: false, error: { code, message } };
}
