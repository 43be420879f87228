import type { Meta, StoryObj } from '@storybook/react-vite';
import type { Trace, TraceStep } from '../../server/trace/traceContact';
import { TraceSteps } from './TraceDialog';

/**
 * "Trace one contact" as an operator reads it: blueprint 1's draft for one
 * contact who logs in on the second day, then one who never does (the call
 * and the exit lie after now: projected, greyed).
 */

const S = Date.UTC(2026, 10, 2, 3, 0);
const H = 3_600_000;
const step = (at: number, kind: TraceStep['kind'], nodeId: string | null, node: string | null, text: string, details: string[] = [], projected = false): TraceStep => ({
  at,
  kind,
  nodeId,
  node,
  text,
  details,
  projected,
});

const recalled: Trace = {
  contact: { id: 7, externalId: 'u1001', timezone: 'Asia/Shanghai' },
  from: S,
  now: S + 48 * H,
  until: S + 90 * 24 * H,
  steps: [
    step(S, 'entry', 'entry', 'Registered, never logged in', 'Enters at 2026-11-02 11:00 Asia/Shanghai: in segment registered_never_logged_in then', [
      'match all',
      'registered 0–90 days ago: saw 7 days ago → yes',
      'did not do app_login in the last 90 days: saw none → yes',
    ]),
    step(S, 'node', 'holdout', 'Holdout 5%', 'Reaches Holdout 5%'),
    step(S, 'port', 'holdout', 'Holdout 5%', 'Leaves by "send"'),
    step(S, 'node', 'sms_1', 'Recall SMS (A/B)', 'Reaches Recall SMS (A/B)'),
    step(S, 'deferred', 'sms_1', 'Recall SMS (A/B)', 'SMS recall_sms deferred by SMS cap 1/day until 11:00 Asia/Shanghai', ['held by SMS cap 1/day; the node waits and asks the policy again then']),
    step(S + 24 * H, 'timer', 'sms_1', 'Recall SMS (A/B)', 'The wait ends at 2026-11-03 11:00 Asia/Shanghai'),
    step(S + 24 * H, 'send', 'sms_1', 'Recall SMS (A/B)', 'Sent: SMS recall_sms (marketing)', ['the contact policy allowed it: no cap reached, outside quiet hours, not opted out']),
    step(S + 24 * H, 'wait', 'wait_login', 'Logged in within 3 days?', 'Waits for app_login, at most until 2026-11-06 11:00 Asia/Shanghai'),
    step(S + 30 * H, 'event', 'wait_login', 'Logged in within 3 days?', 'Recorded event app_login at 2026-11-03 17:00 Asia/Shanghai'),
    step(S + 30 * H, 'port', 'wait_login', 'Logged in within 3 days?', 'Leaves by "event"'),
    step(S + 30 * H, 'exit', 'exit_recalled', 'Recalled', 'Exits: recalled'),
    step(S + 30 * H, 'end', 'exit_recalled', 'Recalled', 'Left the journey: recalled'),
  ],
  end: { status: 'exited', nodeId: 'exit_recalled', wakeAt: null, waitingFor: null, exitReason: 'recalled' },
};

const projected: Trace = {
  ...recalled,
  steps: [
    ...recalled.steps.slice(0, 4),
    step(S, 'suppressed', 'sms_1', 'Recall SMS (A/B)', 'SMS recall_sms suppressed: opted out of SMS', ['withheld: opted out of SMS; the contact goes on without it']),
    step(S, 'wait', 'wait_login', 'Logged in within 3 days?', 'Waits for app_login, at most until 2026-11-05 11:00 Asia/Shanghai'),
    step(S + 72 * H, 'timer', 'wait_login', 'Logged in within 3 days?', 'The wait ends at 2026-11-05 11:00 Asia/Shanghai', [], true),
    step(S + 72 * H, 'send', 'call_1', 'Robo-call', 'Sent: Robo-call recall_call (marketing)', ['the contact policy allowed it: no cap reached, outside quiet hours, not opted out'], true),
    step(S + 120 * H, 'exit', 'exit_done', 'Done', 'Exits: completed', [], true),
    step(S + 120 * H, 'end', 'exit_done', 'Done', 'Left the journey: completed', [], true),
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
