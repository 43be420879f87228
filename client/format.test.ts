import { describe, expect, it } from 'vitest';
import { formatRelative } from './format';

describe('formatRelative', () => {
  const now = Date.UTC(2026, 0, 10, 12);
  it('picks the largest sensible unit', () => {
    expect(formatRelative(now - 30_000, now)).toBe('30 seconds ago');
    expect(formatRelative(now - 5 * 60_000, now)).toBe('5 minutes ago');
    expect(formatRelative(now - 3 * 3600_000, now)).toBe('3 hours ago');
    expect(formatRelative(now - 24 * 3600_000, now)).toBe('yesterday');
    expect(formatRelative(now - 14 * 24 * 3600_000, now)).toBe('2 weeks ago');
  });
  it('says now for the present', () => {
    expect(formatRelative(now, now)).toBe('now');
  });
});
