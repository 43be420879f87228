import type { FakeClock } from '../clock';
import type { Engine, EngineTick } from '../engine';

export interface AdvanceReport {
  from: number;
  to: number;
  ticks: number;
  enrolled: number;
  stepped: number;
  queued: number;
  withheld: number;
  exited: number;
  sent: number;
  failed: number;
  responses: number;
}

/**
 * The fake clock's `advance`: move time to each moment something is due (a
 * wake-up, a reply, a retry) and tick there until the engine is idle, so a
 * 3-day jump behaves as 3 days of real ticks would, then stop at the target.
 */
export function createSimulation(clock: FakeClock, engine: Engine) {
  return {
    now: () => clock.now(),
    async advance(ms: number, maxTicks = 100_000): Promise<AdvanceReport> {
      const from = clock.now();
      const to = from + ms;
      const r: AdvanceReport = { from, to, ticks: 0, enrolled: 0, stepped: 0, queued: 0, withheld: 0, exited: 0, sent: 0, failed: 0, responses: 0 };
      const add = (t: EngineTick | null) => {
        if (!t) return false;
        r.ticks++;
        r.enrolled += t.enrolled;
        r.stepped += t.runs.stepped;
        r.queued += t.runs.queued;
        r.withheld += t.runs.withheld;
        r.exited += t.runs.exited;
        r.sent += t.dispatch.sent;
        r.failed += t.dispatch.failed + t.dispatch.dead;
        r.responses += t.responses;
        return (
          t.enrolled + t.runs.stepped + t.dispatch.sent + t.dispatch.retried + t.dispatch.failed + t.dispatch.dead + t.responses > 0 || t.runs.backlog || t.dispatch.backlog || t.dispatch.throttled
        );
      };
      for (;;) {
        // drain everything due now; a throttled channel needs the clock to move a second
        while (r.ticks < maxTicks) {
          const t = await engine.tick(clock.now());
          const busy = add(t);
          if (!busy) break;
          if (t?.dispatch.throttled && !t.runs.backlog && !t.dispatch.backlog) {
            // a channel's rate is spent: its next sends need the clock to move, which it may not past `to`
            if (clock.now() + 1000 > to) break;
            clock.advance(1000);
          }
        }
        const next = engine.nextDue(clock.now());
        if (next === null || next > to || r.ticks >= maxTicks) break;
        clock.advance(next - clock.now());
      }
      if (clock.now() < to) {
        clock.advance(to - clock.now());
        add(await engine.tick(clock.now()));
      }
      return r;
    },
  };
}
