import { describe, expect, it } from 'vitest';
import { dateTimeIn, dayKeyIn, dayLabel, formatAbsolute, formatCount, formatPercent, formatRelative, formatUtcMinute, formatYuan, shortDateTimeIn, timeIn, timeNear } from './format';

describe('formatRelative', () => {
  const now = Date.UTC(2026, 0, 10, 12);
  it('picks the largest sensible unit', () => {
    expect(formatRelative(now - 30_000, now, 'en')).toBe('30 seconds ago');
    expect(formatRelative(now - 5 * 60_000, now, 'en')).toBe('5 minutes ago');
    expect(formatRelative(now - 3 * 3600_000, now, 'en')).toBe('3 hours ago');
    expect(formatRelative(now - 24 * 3600_000, now, 'en')).toBe('yesterday');
    expect(formatRelative(now - 14 * 24 * 3600_000, now, 'en')).toBe('2 weeks ago');
  });
  it('says now for the present', () => {
    expect(formatRelative(now, now, 'en')).toBe('now');
  });
  it('speaks Chinese in zh-CN', () => {
    expect(formatRelative(now - 5 * 60_000, now, 'zh-CN')).toBe('5分钟前');
    expect(formatRelative(now - 24 * 3600_000, now, 'zh-CN')).toBe('昨天');
  });
});

describe('number formatters', () => {
  it('groups counts as the locale does', () => {
    expect(formatCount(1234567, 'en')).toBe('1,234,567');
    expect(formatCount(1234567, 'zh-CN')).toBe('1,234,567');
  });
  it('shows rates as percent with one decimal, a dash for none', () => {
    expect(formatPercent(0.1234, 'en')).toBe('12.3%');
    expect(formatPercent(0, 'en')).toBe('0.0%');
    expect(formatPercent(null, 'en')).toBe('–');
    expect(formatPercent(0.1234, 'zh-CN')).toBe('12.3%');
  });
  it('shows yuan (CNY, ¥) with at most two decimals in both languages, a dash for none', () => {
    expect(formatYuan(1234.567, 'en')).toBe('¥1,234.57');
    expect(formatYuan(5, 'en')).toBe('¥5');
    expect(formatYuan(1234.5, 'zh-CN')).toBe('¥1,234.5');
    expect(formatYuan(null, 'zh-CN')).toBe('–');
  });
  it('shows an instant to the minute in UTC', () => {
    expect(formatUtcMinute(Date.UTC(2026, 10, 22, 14, 4, 59))).toBe('2026-11-22 14:04 UTC');
  });
});

describe('dates and times in a zone', () => {
  // 2026-11-02 22:30 in Shanghai
  const T = Date.UTC(2026, 10, 2, 14, 30);
  it('reads an instant in the given zone, in the given language', () => {
    expect(timeIn(T, 'Asia/Shanghai', 'en')).toBe('22:30');
    expect(dateTimeIn(T + 10.5 * 3600_000, 'Asia/Shanghai', 'en')).toBe('Nov 3, 2026, 09:00');
    expect(dateTimeIn(T + 10.5 * 3600_000, 'Asia/Shanghai', 'zh-CN')).toBe('2026年11月3日 09:00');
    expect(formatAbsolute(T, 'zh-CN', 'Asia/Shanghai')).toBe('2026年11月2日 22:30');
    expect(formatAbsolute(T, 'en', 'UTC')).toBe('Nov 2, 2026, 2:30 PM');
    expect(shortDateTimeIn(T, 'Asia/Shanghai', 'zh-CN')).toContain('11月2日周一');
  });
  it('names a calendar day, and keys one the same in every language', () => {
    expect(dayLabel('2026-11-03', 'en')).toBe('Tuesday, Nov 3, 2026');
    expect(dayLabel('2026-11-03', 'zh-CN')).toBe('2026年11月3日星期二');
    expect(dayKeyIn(T, 'Asia/Shanghai')).toBe('2026-11-02');
    expect(dayKeyIn(T, 'America/New_York')).toBe('2026-11-02');
    expect(dayKeyIn(T + 2 * 3600_000, 'Asia/Shanghai')).toBe('2026-11-03');
  });
  it('gives only the time for the same day, the date too for another', () => {
    expect(timeNear(T + 3600_000, T, 'Asia/Shanghai', 'en')).toBe('23:30');
    expect(timeNear(T + 2 * 3600_000, T, 'Asia/Shanghai', 'en')).toBe('Nov 3, 2026, 00:30');
  });
});
