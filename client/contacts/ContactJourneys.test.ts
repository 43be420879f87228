import { describe, expect, it } from 'vitest';
import { runState } from './ContactJourneys';
import { awaitingMessage } from '../../shared/journey/run';
import type { TimelineRun } from './timelineModel';
import { translatorFor } from '../i18n/testing';

const t = translatorFor('en');

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
  node_title: null,
  node_kind: 'send',
  ...r,
});

describe('a run’s state in words', () => {
  it('a send node waiting for its message’s outcome says so, not the marker it stores', () => {
    expect(runState(t, aRun({ waiting_for: awaitingMessage }), 'UTC')).toBe('waiting for its message’s outcome until Nov 4, 2026, 04:00');
  });

  it('a wait for an event names the event', () => {
    expect(runState(t, aRun({ waiting_for: 'app_login' }), 'UTC')).toBe('waiting for app_login until Nov 4, 2026, 04:00');
  });

  it('an exit names its reason and when; in Chinese too', () => {
    const exited = aRun({ status: 'exited', exit_reason: 'recalled', exited_at: at, wake_at: null });
    expect(runState(t, exited, 'UTC')).toBe('exited: recalled on Nov 4, 2026, 04:00');
    expect(runState(translatorFor('zh-CN'), aRun({ waiting_for: 'app_login', wake_at: null }), 'UTC')).toBe('等待 app_login');
  });
});
