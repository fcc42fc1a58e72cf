// Choosing the response to send upstream when every branch has a final one (RFC 3261 16.7 step 6): a 6xx
// if there is one, else the lowest class; within 4xx the responses that help the caller retry (401, 407,
// 415, 420, 484) first; within 5xx anything before 503 (a proxy should not pass 503 on, 16.7 step 6);
// and a response received from the network before one the proxy made up (timeouts, send failures).

export interface FinalCandidate {
  readonly status: number;
  /** Made by this proxy (408 on timeout, 503 on a send failure, 487 on cancel), not received. */
  readonly local: boolean;
}

const RETRY_HINTS = new Set([401, 407, 415, 420, 484]);

function rank(c: FinalCandidate): number {
  const cls = Math.floor(c.status / 100);
  let r = cls === 6 ? 0 : cls * 10;
  if (cls === 4 && !RETRY_HINTS.has(c.status)) r += 1;
  if (c.status === 503) r += 2;
  return r * 2 + (c.local ? 1 : 0);
}

/** Index of the best candidate (the earliest among equals), or -1 when there is none. */
export function bestResponse(candidates: readonly FinalCandidate[]): number {
  let best = -1;
  let bestRank = Number.POSITIVE_INFINITY;
  for (let i = 0; i < candidates.length; i++) {
    const r = rank(candidates[i]);
    if (r < bestRank) {
      best = i;
      bestRank = r;
    }
  }
  return best;
}
