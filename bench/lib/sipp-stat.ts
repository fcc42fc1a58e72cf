// SIPp's periodic statistics file (-trace_stat -stf <file> -fd 1): a row per second with cumulative
// counters, so a window of a run (after its warm-up, before its end) can be cut out of it, and the
// proxy's CPU, sampled on its own clock, interpolated at the rows' times. Pure: test/bench/.

export interface StatRow {
  /** Unix time in seconds of the row (SIPp's CurrentTime). */
  readonly time: number;
  /** Cumulative successful and failed calls. */
  readonly successful: number;
  readonly failed: number;
}

/** The rows of a -trace_stat file (";"-separated, a header line; times "date\ttime\tepoch"). */
export function parseStatFile(text: string): StatRow[] {
  const [header, ...lines] = text.split('\n').filter((l) => l.trim() !== '');
  if (header === undefined) return [];
  const columns = header.split(';');
  const at = (name: string) => columns.indexOf(name);
  const [time, successful, failed] = [at('CurrentTime'), at('SuccessfulCall(C)'), at('FailedCall(C)')];
  if (time < 0 || successful < 0 || failed < 0) throw new Error(`not a SIPp statistics file: ${header}`);
  return lines.map((line) => {
    const cells = line.split(';');
    return {
      time: Number(cells[time].split('\t').at(-1)),
      successful: Number(cells[successful]),
      failed: Number(cells[failed]),
    };
  });
}

export interface Sample {
  readonly time: number;
  readonly value: number;
}

/** The value of a cumulative series at `time`, linear between the samples around it (clamped at the ends). */
export function interpolate(samples: readonly Sample[], time: number): number {
  if (samples.length === 0) return Number.NaN;
  if (time <= samples[0].time) return samples[0].value;
  for (let i = 1; i < samples.length; i++) {
    const b = samples[i];
    if (time <= b.time) {
      const a = samples[i - 1];
      return b.time === a.time
        ? b.value
        : a.value + ((b.value - a.value) * (time - a.time)) / (b.time - a.time);
    }
  }
  return samples[samples.length - 1].value;
}

export interface Window {
  readonly seconds: number;
  readonly successful: number;
  readonly failed: number;
  readonly from: number;
  readonly to: number;
}

/** The rows `skip` seconds after the start to `skip + seconds` (or the last row): what happened between. */
export function statWindow(rows: readonly StatRow[], skip: number, seconds: number): Window | undefined {
  if (rows.length < 2) return undefined;
  const first = rows[Math.min(skip, rows.length - 2)];
  const last = rows[Math.min(skip + seconds, rows.length - 1)];
  return {
    seconds: last.time - first.time,
    successful: last.successful - first.successful,
    failed: last.failed - first.failed,
    from: first.time,
    to: last.time,
  };
}
