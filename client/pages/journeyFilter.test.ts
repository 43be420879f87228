import { describe, expect, it } from 'vitest';
import { countByView, filterJourneys, readJourneyFilter, writeJourneyFilter, type JourneyFilter } from './journeyFilter';

const j = (name: string, status: 'draft' | 'live' | 'paused' | 'archived', extra: { description?: string; error?: string } = {}) => ({
  name,
  status,
  description: extra.description ?? '',
  error: extra.error ?? null,
});
const list = [
  j('Recall: registered, never logged in', 'live', { description: 'SMS then a robo-call' }),
  j('Réactivation des dormants', 'draft'),
  j('Repayment due', 'paused'),
  j('Approved, never drew', 'live', { error: 'segment SQL failed' }),
  j('Old recall', 'archived', { description: 'the first recall' }),
];
const names = (f: Partial<JourneyFilter>) => filterJourneys(list, { search: '', status: 'all', archived: false, ...f }).map((x) => x.name);

describe('journeys list filter', () => {
  it('lists archived journeys apart: never in the default view, only in the archived one', () => {
    expect(names({})).toEqual(['Recall: registered, never logged in', 'Réactivation des dormants', 'Repayment due', 'Approved, never drew']);
    expect(names({ archived: true })).toEqual(['Old recall']);
    expect(countByView(list)).toEqual({ active: 4, archived: 1 });
  });

  it('searches name and description, every word, in any case and without accents', () => {
    expect(names({ search: 'recall' })).toEqual(['Recall: registered, never logged in']);
    expect(names({ search: 'ROBO sms' })).toEqual(['Recall: registered, never logged in']);
    expect(names({ search: 'reactivation' })).toEqual(['Réactivation des dormants']);
    expect(names({ search: 'recall', archived: true })).toEqual(['Old recall']);
    expect(names({ search: 'nothing like this' })).toEqual([]);
  });

  it('filters by status, errored apart from the status it is over', () => {
    expect(names({ status: 'live' })).toEqual(['Recall: registered, never logged in']);
    expect(names({ status: 'errored' })).toEqual(['Approved, never drew']);
    expect(names({ status: 'paused', search: 'repay' })).toEqual(['Repayment due']);
    expect(names({ status: 'draft', search: 'repay' })).toEqual([]);
  });

  it('keeps the filter in the URL, defaults left out', () => {
    const f: JourneyFilter = { search: 'recall sms', status: 'live', archived: true };
    const params = writeJourneyFilter(new URLSearchParams('other=1'), f);
    expect(params.toString()).toBe('other=1&q=recall+sms&status=live&view=archived');
    expect(readJourneyFilter(params)).toEqual(f);
    expect(writeJourneyFilter(params, { search: '', status: 'all', archived: false }).toString()).toBe('other=1');
    expect(readJourneyFilter(new URLSearchParams('status=bogus'))).toEqual({ search: '', status: 'all', archived: false });
  });
});
