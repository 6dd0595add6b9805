// Fake time for fault tests: a monotonic timeline that drives the timeout and sleep ports, and a wall clock that
// can jump back and forward without moving it (as a wall clock does under NTP or a VM resume). Counts wake-ups, so
// a test can tell a busy loop from a wait.
import type { Clock } from '../../src/ports.js';
import type { TimeoutPort } from '../../src/deadline.js';

interface Timer { readonly at: number; readonly fire: () => void }

export interface FakeTime {
  readonly clock: Clock;
  readonly timeout: TimeoutPort;
  readonly sleep: (ms: number) => Promise<void>;
  /** Moves monotonic and wall time forward by `ms`, firing timers in order and letting promises settle. */
  advance(ms: number): Promise<void>;
  /** Moves only the wall clock (negative: back). No timer fires. */
  jump(ms: number): void;
  /** Timers that fired so far. */
  readonly wakeups: number;
  /** Sleeps asked for so far (ms each). */
  readonly sleeps: readonly number[];
  /** Timers still pending. */
  readonly pending: number;
}

/** Lets pending promise callbacks and stream pulls run. */
export async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

export function fakeTime(startMs = 1_700_000_000_000): FakeTime {
  let mono = 0;
  let offset = startMs;
  let wakeups = 0;
  const sleeps: number[] = [];
  let timers: Timer[] = [];
  const schedule = (ms: number, fire: () => void): void => {
    timers.push({ at: mono + Math.max(0, ms), fire });
  };
  return {
    clock: { nowMs: () => mono + offset },
    timeout: (ms) => {
      const controller = new AbortController();
      schedule(ms, () => controller.abort(new DOMException('The operation timed out', 'TimeoutError')));
      return controller.signal;
    },
    sleep: (ms) => {
      sleeps.push(ms);
      return new Promise<void>((resolve) => schedule(ms, resolve));
    },
    async advance(ms) {
      const target = mono + ms;
      await settle();
      for (;;) {
        const due = timers.filter((t) => t.at <= target).sort((a, b) => a.at - b.at)[0];
        if (due === undefined) break;
        timers = timers.filter((t) => t !== due);
        mono = Math.max(mono, due.at);
        wakeups++;
        due.fire();
        await settle();
      }
      mono = target;
      await settle();
    },
    jump(ms) {
      offset += ms;
    },
    get wakeups() { return wakeups; },
    get sleeps() { return sleeps; },
    get pending() { return timers.length; },
  };
}

/** A response whose body sends `prefix` and then never ends (nor errors). */
export function stalledResponse(prefix: string, status = 200): Response {
  return new Response(new ReadableStream<Uint8Array>({ start(c) { c.enqueue(new TextEncoder().encode(prefix)); } }), { status });
}

/** A promise that never settles, whatever the request's signal says: a port that ignores cancellation. */
export function never<T>(): Promise<T> {
  return new Promise<T>(() => undefined);
}
