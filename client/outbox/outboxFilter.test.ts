import { describe, expect, it } from 'vitest';
import { filterFromParams, startOfDayIn } from './outboxFilter';

describe('the Outbox page filter', () => {
  it('reads a day in the workspace zone: 2 Nov in Shanghai starts at 16:00 UTC the day before, and the last day is included', () => {
    expect(startOfDayIn('2026-11-02', 'Asia/Shanghai')).toBe(Date.UTC(2026, 10, 1, 16, 0));
    const f = filterFromParams(new URLSearchParams('from=2026-11-02&to=2026-11-02&channel=sms&status=sent&template=recall_sms&contact=u1&journey=j1'), 'Asia/Shanghai');
    expect(f).toEqual({ journeyId: 'j1', externalId: 'u1', status: 'sent', channel: 'sms', template: 'recall_sms', from: Date.UTC(2026, 10, 1, 16, 0), to: Date.UTC(2026, 10, 2, 16, 0) });
  });

  it('drops what is not a channel, a status or a day rather than sending it', () => {
    expect(filterFromParams(new URLSearchParams('channel=fax&status=lost&from=yesterday&to=2026-13'), 'UTC')).toEqual({});
  });
});
