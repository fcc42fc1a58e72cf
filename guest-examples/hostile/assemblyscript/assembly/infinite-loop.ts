// Attacks the CPU: a loop that never ends and never calls the host, so only fuel can stop it.
export let spins: u64 = 0;

export function infiniteLoop(): void {
  while (true) spins++;
}
