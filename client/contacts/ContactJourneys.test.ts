import { describe, expect, it } from 'vitest';
import { runState } from './ContactJourneys';
import { awaitingMessage } from '../../shared/journey/run';
import type { TimelineRun } from './timelineModel';

const at = Date.UTC(2026, 10, 4, 4, 0);
const aRun = (r: Partial<TimelineRun>): TimelineRun => ({
  id: 1,
  journey_id: 'j',
  name: 'Recall',
  version: 1,
  node_id: 'sms',
  status: 'waiting',
  entered_at: 0,
  exit_reason: null,
  exited_at: null,
  wake_at: at,
  waiting_for: null,
  ...r,
});

describe('a run’s state in words', () => {
  it('a send node waiting for its message’s outcome says so, not the marker it stores', () => {
    expect(runState(aRun({ waiting_for: awaitingMessage }), 'UTC')).toBe('waiting for its message’s outcome until Nov 4, 2026, 04:00');
  });

  it('a wait for an event names the event', () => {
    expect(runState(aRun({ waiting_for: 'app_login' }), 'UTC')).toBe('waiting for app_login until Nov 4, 2026, 04:00');
  });
});
