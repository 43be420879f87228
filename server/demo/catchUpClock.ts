import type { Clock } from '../clock';

/**
 * The living demo's clock: simulated while the demo replays the past, then,
 * once it reaches the wall clock, the wall clock itself. It never goes
 * backwards. It is a real clock to the rest of the server (`kind: 'real'`,
 * not a FakeClock), so no `dev.*` procedure exists: nobody can move it but
 * the replay, and only forward, and only up to now.
 */
export class CatchUpClock implements Clock {
  readonly kind = 'real' as const;
  private simulated: number | null;

  constructor(
    start: number,
    /** the wall clock it catches up with (injectable for tests) */
    readonly wall: () => number = Date.now,
  ) {
    this.simulated = start < wall() ? start : null;
  }

  now(): number {
    return this.simulated ?? this.wall();
  }

  /** True once the clock has caught up and follows the wall clock. */
  get caughtUp(): boolean {
    return this.simulated === null;
  }

  /** Move simulated time forward to `t`; reaching the wall clock switches to following it. Returns the new time. */
  moveTo(t: number): number {
    if (this.simulated === null) return this.wall();
    if (t >= this.wall()) {
      this.simulated = null;
      return this.wall();
    }
    if (t > this.simulated) this.simulated = t;
    return this.simulated;
  }
}
