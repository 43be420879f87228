import { describe, expect, it } from 'vitest';
import { auditQueryInput, compactDiff, readAuditFilters, withAuditFilter } from './auditFilters';

describe('audit filters', () => {
  it('round-trips through the URL, dropping empty values', () => {
    let p = withAuditFilter(new URLSearchParams(), 'actor', 'ada');
    p = withAuditFilter(p, 'objectType', 'journey');
    p = withAuditFilter(p, 'actor', '');
    expect(p.toString()).toBe('type=journey');
    expect(readAuditFilters(p)).toEqual({ actor: '', action: '', objectType: 'journey', objectId: '', from: '', to: '' });
  });

  it('sends only set filters, dates as whole local days', () => {
    const input = auditQueryInput({ actor: 'ada', action: '', objectType: '', objectId: ' j1 ', from: '2026-03-01', to: '2026-03-01' });
    expect(input).toEqual({ actor: 'ada', objectId: 'j1', from: new Date(2026, 2, 1).getTime(), to: new Date(2026, 2, 2).getTime() - 1 });
    expect(auditQueryInput({ actor: '', action: '', objectType: '', objectId: '', from: 'nonsense', to: '' })).toEqual({});
  });

  it('prints a diff as one line', () => {
    expect(compactDiff({ status: ['draft', 'live'] })).toBe('{"status":["draft","live"]}');
    expect(compactDiff(null)).toBe('');
  });
});
