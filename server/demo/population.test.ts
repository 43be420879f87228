import { afterEach, describe, expect, it, vi } from 'vitest';
import { DAY, HOUR } from '../../shared/util/time';
import { generatePopulation, type ContactStory } from './population';
import { funnelOf } from './funnel';
import { contactAt } from './history';
import { futureOf } from './feed';
import { ledgerDay, loanStateAt } from './loans';

const anchor = Date.UTC(2026, 10, 2, 4, 0);
const aPopulation = (contacts = 4000, seed = 7, until = anchor) => generatePopulation({ contacts, seed, anchor, until });

afterEach(() => vi.restoreAllMocks());

describe('the synthetic population', () => {
  it('is deterministic in its seed, and never asks Math.random', () => {
    const random = vi.spyOn(Math, 'random').mockImplementation(() => {
      throw new Error('Math.random called');
    });
    const a = aPopulation(300);
    const b = aPopulation(300);
    expect(random).not.toHaveBeenCalled();
    expect(b).toEqual(a);
    const other = aPopulation(300, 8);
    expect(other.stories.map((s) => s.traits.name)).not.toEqual(a.stories.map((s) => s.traits.name));
  });

  it('follows the funnel of DOMAIN.md: 80% apply, 40% pass risk, 8% are approved', () => {
    // contacts registered long enough ago to have reached where they will go
    const pop = aPopulation(6000);
    const mature = pop.stories.filter((s) => s.registeredAt < anchor - 150 * DAY);
    const f = funnelOf(mature, anchor);
    const share = (n: number) => n / f.registered;
    expect(f.registered).toBeGreaterThan(2000);
    expect(share(f.loggedIn)).toBeCloseTo(0.86, 1);
    expect(Math.abs(share(f.applied) - 0.8)).toBeLessThan(0.03);
    expect(Math.abs(share(f.riskPassed) - 0.4)).toBeLessThan(0.03);
    expect(Math.abs(share(f.approved) - 0.08)).toBeLessThan(0.015);
    // of the approved, most draw; of the borrowers, most repay
    expect(f.drew / f.approved).toBeGreaterThan(0.5);
    expect(f.drew / f.approved).toBeLessThan(0.7);
    expect(f.repaidOnce / f.drew).toBeGreaterThan(0.85);
  });

  it('spreads sign-ups over the year, growing, in daytime, with events after them and in order', () => {
    const pop = aPopulation(4000);
    const regs = pop.stories.map((s) => s.registeredAt);
    expect(Math.min(...regs)).toBeGreaterThanOrEqual(anchor - 365 * DAY);
    expect(Math.max(...regs)).toBeLessThanOrEqual(anchor);
    const lastQuarter = regs.filter((t) => t > anchor - 91 * DAY).length / regs.length;
    expect(lastQuarter).toBeGreaterThan(0.28);
    expect(lastQuarter).toBeLessThan(0.36);
    for (const s of pop.stories) {
      const times = s.happenings.map((h) => h.at);
      expect(times).toEqual([...times].sort((x, y) => x - y));
      expect(times.every((t) => t > s.registeredAt && t <= anchor)).toBe(true);
    }
  });

  it('has the traits the library segments and templates read', () => {
    const pop = aPopulation(3000);
    const at = (s: ContactStory) => contactAt(s, anchor).traits;
    const all = pop.stories.map(at);
    for (const t of all) {
      expect(typeof t.name).toBe('string');
      expect(t.phone).toMatch(/^\+861\d{10}$/);
      expect(typeof t.limit).toBe('number');
      expect(typeof t.daily_rate).toBe('number');
      expect(['android', 'ios']).toContain(t.device_os);
      expect(typeof t.acquisition_channel).toBe('string');
      expect([undefined, 'approved', 'rejected']).toContain(t.credit_status);
    }
    const share = (p: (t: Record<string, unknown>) => boolean) => all.filter(p).length / all.length;
    expect(share((t) => t.timezone === 'Asia/Shanghai')).toBeGreaterThan(0.85);
    expect(share((t) => t.timezone !== 'Asia/Shanghai')).toBeGreaterThan(0.03);
    expect(share((t) => /^[\u4e00-\u9fff]{2,4}$/.test(String(t.name)))).toBeGreaterThan(0.9);
    expect(share((t) => /^[A-Z][a-z]+ [A-Z][a-z]+$/.test(String(t.name)))).toBeGreaterThan(0.02);
    // borrowers carry the loan system's traits: the "due in 3 days" segment and its branch read them
    const borrowers = all.filter((t) => t.loan_status !== undefined);
    expect(borrowers.length).toBeGreaterThan(50);
    for (const t of borrowers) expect(typeof t.amount_due).toBe('number');
    expect(borrowers.some((t) => typeof t.days_to_due === 'number' && t.days_to_due >= 0)).toBe(true);
  });

  it('tells the loan system when an instalment falls due and when it is repaid', () => {
    const pop = aPopulation(3000);
    const s = pop.stories.find((x) => x.loans.length > 0 && x.loans[0]!.instalments.every((i) => i.repaidAt !== null))!;
    const loan = s.loans[0]!;
    const first = loan.instalments[0]!;
    expect(loanStateAt(s.loans, loan.drawnAt - 1)).toBeNull();
    const open = loanStateAt(s.loans, loan.drawnAt + 1000)!;
    expect(open).toMatchObject({ amount_due: first.amount, loan_status: 'active', days_to_due: first.dueDay - ledgerDay(loan.drawnAt + 1000) });
    const last = loan.instalments[loan.instalments.length - 1]!;
    if (s.loans.length === 1) expect(loanStateAt(s.loans, last.repaidAt! + 1)).toMatchObject({ amount_due: 0, loan_status: 'repaid' });
  });

  it('goes on after its anchor: new sign-ups and a daily loan refresh for the feed', () => {
    const pop = aPopulation(3000, 7, anchor + 7 * DAY);
    const later = pop.stories.filter((s) => s.registeredAt > anchor);
    // the year's final pace: about 3000 × 1.33 / 365 a day
    expect(later.length).toBeGreaterThan(60);
    expect(later.length).toBeLessThan(100);
    const feed = futureOf(pop, anchor - 7 * DAY);
    expect(feed.map((f) => f.at)).toEqual(feed.map((f) => f.at).sort((a, b) => a - b));
    expect(feed.every((f) => f.at > anchor - 7 * DAY && f.at <= anchor + 7 * DAY)).toBe(true);
    const signUps = feed.filter((f) => f.type === 'identify' && 'registered_at' in f.traits);
    expect(signUps.length).toBe(pop.stories.filter((s) => s.registeredAt > anchor - 7 * DAY).length);
    const refreshes = feed.filter((f) => f.type === 'refresh');
    expect(refreshes.length).toBeGreaterThan(14 * 20);
    // 08:00 Beijing, before the 09:00 enrolment of "due in 3 days", every day from the first after the start
    expect(new Set(refreshes.map((f) => new Date(f.at).toISOString().slice(11, 16)))).toEqual(new Set(['00:00']));
    const days = [...new Set(refreshes.map((f) => f.at))].sort((a, b) => a - b);
    expect(days[0]).toBeLessThanOrEqual(anchor - 7 * DAY + DAY);
    expect(days).toHaveLength(14);
    // from 20:00 UTC (04:00 in Beijing, a new ledger day): the refresh four hours later is not skipped
    const evening = anchor - 7 * DAY + 16 * HOUR;
    const first = Math.min(
      ...futureOf(pop, evening)
        .filter((f) => f.type === 'refresh')
        .map((f) => f.at),
    );
    expect(first - evening).toBe(4 * HOUR);
  });
});
