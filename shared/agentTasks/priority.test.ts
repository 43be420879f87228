import { describe, expect, it } from 'vitest';
import { taskPriority } from './priority';
import { DAY } from '../util/time';

const NOW = Date.UTC(2026, 10, 2, 4, 0);

describe('taskPriority', () => {
  it('is the approved amount on the day of approval, halved every 7 days since', () => {
    expect(taskPriority(8000, NOW, NOW)).toBe(8000);
    expect(taskPriority(8000, NOW - 7 * DAY, NOW)).toBe(4000);
    expect(taskPriority(8000, NOW - 14 * DAY, NOW)).toBe(2000);
    // a larger limit approved a week ago still comes before a smaller one approved today
    expect(taskPriority(20000, NOW - 7 * DAY, NOW)).toBeGreaterThan(taskPriority(8000, NOW, NOW));
  });

  it('reads an amount typed as text, and orders contacts without one by freshness alone', () => {
    expect(taskPriority('5000', null, NOW)).toBe(5000);
    expect(taskPriority(undefined, null, NOW)).toBe(1);
    expect(taskPriority('lots', NOW - 7 * DAY, NOW)).toBe(0.5);
    expect(taskPriority(-3, null, NOW)).toBe(1);
  });

  it('treats an approval in the future (clock skew) as today', () => {
    expect(taskPriority(8000, NOW + DAY, NOW)).toBe(8000);
  });
});
