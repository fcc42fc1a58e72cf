// Loaded into a benched `kemi-wasm serve` with `node --import` (bench/location-redis.ts): the event loop's
// delay (perf_hooks.monitorEventLoopDelay sampled every 1 ms) since the last
// SIGUSR2, written as JSON to $KEMI_LOOP_DELAY_FILE at each SIGUSR2, then reset.
import { writeFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';

const file = process.env.KEMI_LOOP_DELAY_FILE;
if (file !== undefined) {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  process.on('SIGUSR2', () => {
    const ms = (ns: number) => ns / 1e6;
    writeFileSync(
      file,
      JSON.stringify({
        p50: ms(histogram.percentile(50)),
        p99: ms(histogram.percentile(99)),
        max: ms(histogram.max),
        mean: ms(histogram.mean),
      }),
    );
    histogram.reset();
  });
}
