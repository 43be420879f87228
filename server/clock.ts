/** The server's only source of time. Production reads the wall clock; `CLOCK=fake` moves only when told. */
export interface Clock {
  readonly kind: 'real' | 'fake';
  now: () => number;
}

export const realClock: Clock = { kind: 'real', now: () => Date.now() };

/** A clock for tests, demos and simulation: starts at `start` and moves only by `advance`/`set`. */
export class FakeClock implements Clock {
  readonly kind = 'fake' as const;
  constructor(private t: number) {}
  now(): number {
    return this.t;
  }
  advance(ms: number): number {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`advance takes a non-negative number of ms, got ${ms}`);
    this.t += ms;
    return this.t;
  }
}

export function clockFromEnv(env: NodeJS.ProcessEnv = process.env): Clock {
  if (env.CLOCK === 'fake') return new FakeClock(env.FAKE_CLOCK_START ? Date.parse(env.FAKE_CLOCK_START) : Date.now());
  if (env.CLOCK && env.CLOCK !== 'real') throw new Error(`CLOCK must be "real" or "fake", got "${env.CLOCK}"`);
  return realClock;
}
