import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { inBusinessOrder, sequentialFunnel, stepLabel } from './funnel';

describe('business funnel order', () => {
  it('orders known steps as the lending funnel runs, unknown events after in their own order, once each', () => {
    expect(inBusinessOrder(['loan_drawn', 'custom_b', 'app_login', 'credit_granted', 'custom_a', 'credit_application_started', 'app_login'])).toEqual([
      'app_login',
      'credit_application_started',
      'credit_granted',
      'loan_drawn',
      'custom_b',
      'custom_a',
    ]);
  });
  it('puts the call centre’s call between the approval and the draw it is there to bring about', () => {
    expect(inBusinessOrder(['loan_drawn', 'call_outcome', 'credit_granted'])).toEqual(['credit_granted', 'call_outcome', 'loan_drawn']);
    expect(stepLabel('call_outcome')).toBe('called');
  });
  it('names steps in words ops use', () => {
    expect(stepLabel('credit_application_started')).toBe('applied');
    expect(stepLabel('custom_a')).toBe('custom_a');
  });
});

describe('sequential funnel', () => {
  const steps = ['app_login', 'credit_application_started', 'loan_drawn'];

  it('counts a pass at a step only after the visit and after the step above', () => {
    const counts = sequentialFunnel(
      [
        { start: 0, clickedAt: 5, events: { app_login: 6, credit_application_started: 7, loan_drawn: 8 } },
        // logged in without clicking: not past the click step
        { start: 0, clickedAt: null, events: { app_login: 3 } },
        // applied before logging in (first times): stops at login
        { start: 0, clickedAt: 1, events: { app_login: 9, credit_application_started: 4 } },
        // clicked, nothing after
        { start: 10, clickedAt: 11, events: {} },
      ],
      steps,
      { click: true },
    );
    expect(counts).toEqual([4, 3, 2, 1, 1]);
    expect(sequentialFunnel([{ start: 0, events: { app_login: 1, loan_drawn: 2 } }], steps, { click: false })).toEqual([1, 1, 0, 0]);
  });

  const passage = fc.record({
    start: fc.integer({ min: 0, max: 100 }),
    clickedAt: fc.option(fc.integer({ min: 0, max: 200 })),
    events: fc.dictionary(fc.constantFrom(...steps, 'other'), fc.integer({ min: 0, max: 200 })),
  });

  it('property: every bar is at most the one above, the top is every pass, and a pass counted at a step did every step above it in order', () => {
    fc.assert(
      fc.property(fc.array(passage, { maxLength: 40 }), fc.boolean(), fc.subarray(steps), (passages, click, chosen) => {
        const counts = sequentialFunnel(passages, chosen, { click });
        expect(counts).toHaveLength(1 + (click ? 1 : 0) + chosen.length);
        expect(counts[0]).toBe(passages.length);
        for (let k = 1; k < counts.length; k++) expect(counts[k]).toBeLessThanOrEqual(counts[k - 1] as number);
        // brute force: the passes whose step times from the visit on never go back in time
        const times = (p: (typeof passages)[number]) => [p.start, ...(click ? [p.clickedAt ?? undefined] : []), ...chosen.map((e) => p.events[e])];
        const depth = (p: (typeof passages)[number]) => {
          const t = times(p);
          let d = 1;
          while (d < t.length && t[d] !== undefined && (t[d] as number) >= (t[d - 1] as number)) d++;
          return d;
        };
        for (let k = 0; k < counts.length; k++) expect(counts[k]).toBe(passages.filter((p) => depth(p) > k).length);
      }),
    );
  });
});
