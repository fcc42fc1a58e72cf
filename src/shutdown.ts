// How a server process stops: its parts are stopped in the reverse order of their start, each step named, so
// that a stop that does not end can say what it is waiting for; and a deadline past which the process exits
// anyway (a supervisor's SIGTERM must end the process, whatever a part waits for: a Redis that stopped
// answering, a compile, a connection).
import type { Logger } from 'pino';

/** What a part gives to be stopped: a name for the logs and the stop itself. */
export interface StopList {
  add(name: string, stop: () => Promise<void> | void): void;
}

interface Step {
  readonly name: string;
  readonly stop: () => Promise<void> | void;
}

/**
 * The stop steps of a server, run in reverse order by stopAll(). A step that throws is logged and the steps
 * after it still run: one failed close must not leave the later parts (a Redis connection that reconnects
 * forever, a listener) holding the process open.
 */
export class Stops implements StopList {
  readonly #steps: Step[] = [];
  readonly #log: Logger;
  /** The step running now and the ones left after it, while stopAll() runs. */
  #left: Step[] = [];

  constructor(log: Logger) {
    this.#log = log;
  }

  add(name: string, stop: () => Promise<void> | void): void {
    this.#steps.push({ name, stop });
  }

  /** The names of the step running and of those still to run (empty when none is under way). */
  get waitingFor(): string[] {
    return this.#left.map((step) => step.name);
  }

  /** Runs every step added so far, last added first; each once. */
  async stopAll(): Promise<void> {
    this.#left = this.#steps.splice(0).reverse();
    while (this.#left.length > 0) {
      const step = this.#left[0];
      try {
        await step.stop();
      } catch (error) {
        this.#log.error({ err: error, step: step.name }, 'stop: a step failed, stopping the others');
      }
      this.#left.shift();
    }
  }
}

/** Exit status when the shutdown deadline passed (EX_TEMPFAIL: stopped, not cleanly). */
export const EXIT_SHUTDOWN_TIMEOUT = 75;

/**
 * Arms the shutdown deadline: after `ms`, if the process is still alive, logs what it was still waiting for
 * (`waitingFor()`, the stop steps left; empty when they all ended but something still holds the event loop)
 * and the resources keeping the loop alive, then exits with EXIT_SHUTDOWN_TIMEOUT, or with the status
 * already decided when every step had ended. The timer is unref'd: a process that stops in time exits as
 * usual.
 */
export function armShutdownDeadline(
  ms: number,
  log: Logger,
  waitingFor: () => readonly string[],
  exit: (code: number) => void = (code) => process.exit(code),
): void {
  const timer = setTimeout(() => {
    const steps = waitingFor();
    const resources = process.getActiveResourcesInfo();
    if (steps.length > 0) {
      log.error(
        { deadlineMs: ms, waitingFor: steps, resources },
        `shutdown deadline passed: exiting (status ${EXIT_SHUTDOWN_TIMEOUT}) while still stopping ${steps[0]}`,
      );
      exit(EXIT_SHUTDOWN_TIMEOUT);
      return;
    }
    log.error(
      { deadlineMs: ms, resources },
      'shutdown deadline passed: every part stopped, but the process was still held open: exiting',
    );
    exit(typeof process.exitCode === 'number' ? process.exitCode : EXIT_SHUTDOWN_TIMEOUT);
  }, ms);
  timer.unref();
}
