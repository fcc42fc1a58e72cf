// Kamailio's destination set: the Request-URI (with $du, its q and the branch flags) is branch 0, and
// append_branch adds more. t_relay forks to all of them in parallel; t_load_contacts / t_next_contacts
// turn them into serial forking by q value (RFC 3261 16.6, Kamailio tm's "serial forking based on q").

export interface DestinationBranch {
  readonly uri: string;
  /** The destination URI ($du) of the branch, when it is not the URI itself. */
  readonly dstUri: string | undefined;
  /** q value 0..1 (RFC 3261 20.10); undefined ranks below every given value, as in Kamailio. */
  readonly q: number | undefined;
  /** Branch flags (setbflag). */
  readonly flags: number;
  /** A registered Path (registrar lookup): sent as the branch's Route header, comma-separated values. */
  readonly path?: string;
}

/** The q value of a q parameter as written ("0.5", "1", "1.000"), or undefined when it is not one. */
export function parseQ(text: string): number | undefined {
  if (!/^(0(\.[0-9]{0,3})?|1(\.0{0,3})?)$/.test(text)) return undefined;
  return Number(text);
}

/** The branches by falling q, equal ones in their order (t_load_contacts mode 0). */
export function byFallingQ(branches: readonly DestinationBranch[]): DestinationBranch[] {
  const q = (b: DestinationBranch) => b.q ?? -1;
  return branches
    .map((b, i) => [b, i] as const)
    .sort(([a, i], [b, j]) => q(b) - q(a) || i - j)
    .map(([b]) => b);
}

/** Removes and returns the leading branches sharing the highest q (t_next_contacts); [] when empty. */
export function takeHighestQ(sorted: DestinationBranch[]): DestinationBranch[] {
  if (sorted.length === 0) return [];
  const q = sorted[0].q;
  let n = 1;
  while (n < sorted.length && sorted[n].q === q) n++;
  return sorted.splice(0, n);
}
