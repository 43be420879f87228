import { describe, expect, it } from 'vitest';
import { formatCount, formatPercent, formatRelative, formatUtcMinute, formatYuan } from './format';

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

describe('number formatters', () => {
  it('groups counts en-US style', () => {
    expect(formatCount(1234567)).toBe('1,234,567');
  });
  it('shows rates as percent with one decimal, a dash for none', () => {
    expect(formatPercent(0.1234)).toBe('12.3%');
    expect(formatPercent(0)).toBe('0.0%');
    expect(formatPercent(null)).toBe('–');
  });
  it('shows yuan with at most two decimals, a dash for none', () => {
    expect(formatYuan(1234.567)).toBe('¥1,234.57');
    expect(formatYuan(5)).toBe('¥5');
    expect(formatYuan(null)).toBe('–');
  });
  it('shows an instant to the minute in UTC', () => {
    expect(formatUtcMinute(Date.UTC(2026, 10, 22, 14, 4, 59))).toBe('2026-11-22 14:04 UTC');
  });
});
