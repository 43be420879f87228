import type { Meta, StoryObj } from '@storybook/react-vite';
import type { Trace, TraceStep } from '../../server/trace/traceContact';
import type { TraceSay, TraceWhy } from '../../server/trace/lines';
import { TraceSteps } from './TraceDialog';

/**
 * "Trace one contact" as an operator reads it: blueprint 1's draft for one
 * contact who logs in on the second day, then one who never does (the call
 * and the exit lie after now: projected, greyed). Lines are data, worded in
 * the toolbar's locale; `text`/`details` (the API's English) are not shown.
 */

const S = Date.UTC(2026, 10, 2, 3, 0);
const H = 3_600_000;
const step = (at: number, kind: TraceStep['kind'], nodeId: string | null, node: string | null, say: TraceSay, why: TraceWhy[] = [], projected = false): TraceStep => ({
  at,
  kind,
  nodeId,
  node,
  text: '',
  say,
  details: [],
  why,
  projected,
});
const allowed: TraceWhy[] = [{ code: 'policy_allowed' }];

const recalled: Trace = {
  contact: { id: 7, externalId: 'u1001', timezone: 'Asia/Shanghai' },
  from: S,
  now: S + 48 * H,
  until: S + 90 * 24 * H,
  steps: [
    step(S, 'entry', 'entry', 'Registered, never logged in', { code: 'enters_in_segment', at: S, segment: 'registered_never_logged_in' }, [
      { code: 'match', match: 'all' },
      { code: 'registered', min: 0, max: 90, daysAgo: 7, held: true },
      { code: 'event', did: false, event: 'app_login', filtered: false, days: 90, count: 0, last: null, held: true },
    ]),
    step(S, 'node', 'holdout', 'Holdout 5%', { code: 'reaches', node: 'Holdout 5%' }),
    step(S, 'port', 'holdout', 'Holdout 5%', { code: 'leaves_by', port: 'send', label: 'send' }),
    step(S, 'node', 'sms_1', 'Recall SMS (A/B)', { code: 'reaches', node: 'Recall SMS (A/B)' }),
    step(S, 'deferred', 'sms_1', 'Recall SMS (A/B)', { code: 'withheld', channel: 'sms', template: 'recall_sms', decision: 'deferred', reason: 'cap:sms:1/24h', until: S + 24 * H }, [
      { code: 'held_by', reason: 'cap:sms:1/24h' },
    ]),
    step(S + 24 * H, 'timer', 'sms_1', 'Recall SMS (A/B)', { code: 'wait_ends', at: S + 24 * H }),
    step(S + 24 * H, 'send', 'sms_1', 'Recall SMS (A/B)', { code: 'sent', channel: 'sms', template: 'recall_sms', category: 'marketing' }, allowed),
    step(S + 24 * H, 'wait', 'wait_login', 'Logged in within 3 days?', { code: 'waits_for', event: 'app_login', until: S + 96 * H }),
    step(S + 30 * H, 'event', 'wait_login', 'Logged in within 3 days?', { code: 'recorded_event', event: 'app_login', at: S + 30 * H }),
    step(S + 30 * H, 'port', 'wait_login', 'Logged in within 3 days?', { code: 'leaves_by', port: 'event', label: 'event', labelKey: 'port.event' }),
    step(S + 30 * H, 'exit', 'exit_recalled', 'Recalled', { code: 'exits', reason: 'recalled' }),
    step(S + 30 * H, 'end', 'exit_recalled', 'Recalled', { code: 'left', reason: 'recalled' }),
  ],
  end: { status: 'exited', nodeId: 'exit_recalled', wakeAt: null, waitingFor: null, exitReason: 'recalled' },
};

const projected: Trace = {
  ...recalled,
  steps: [
    ...recalled.steps.slice(0, 4),
    step(S, 'suppressed', 'sms_1', 'Recall SMS (A/B)', { code: 'withheld', channel: 'sms', template: 'recall_sms', decision: 'suppressed', reason: 'opted_out:sms', until: null }, [
      { code: 'withheld_by', reason: 'opted_out:sms' },
    ]),
    step(S, 'wait', 'wait_login', 'Logged in within 3 days?', { code: 'waits_for', event: 'app_login', until: S + 72 * H }),
    step(S + 72 * H, 'timer', 'wait_login', 'Logged in within 3 days?', { code: 'wait_ends', at: S + 72 * H }, [], true),
    step(S + 72 * H, 'send', 'call_1', 'Robo-call', { code: 'sent', channel: 'voice', template: 'recall_call', category: 'marketing' }, allowed, true),
    step(S + 120 * H, 'exit', 'exit_done', 'Done', { code: 'exits', reason: 'completed' }, [], true),
    step(S + 120 * H, 'end', 'exit_done', 'Done', { code: 'left', reason: 'completed' }, [], true),
  ],
  end: { status: 'exited', nodeId: 'exit_done', wakeAt: null, waitingFor: null, exitReason: 'completed' },
};

const meta = {
  title: 'Editor/Trace one contact',
  component: TraceSteps,
  args: { trace: recalled },
} satisfies Meta<typeof TraceSteps>;
export default meta;
type Story = StoryObj<typeof meta>;

/** A cap defers the SMS a day; the login on the second day ends the wait: recalled. */
export const Recalled: Story = {};

/** Opted out of SMS, no login yet: the wait's end, the call and the exit are projected. */
export const Projected: Story = { args: { trace: projected } };
