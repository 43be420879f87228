import { z } from 'zod';

/**
 * What an agent's call came to. Recorded as the event `call_outcome` with the
 * property `outcome`, so a journey waits for it and branches on it like any
 * other event ("wait for call outcome, timeout 2 days").
 */
export const callOutcomes = ['reached', 'no_answer', 'wrong_number', 'promised_to_draw', 'refused', 'opt_out'] as const;
export const CallOutcome = z.enum(callOutcomes, { error: `outcome must be one of: ${callOutcomes.join(', ')}` });
export type CallOutcome = z.infer<typeof CallOutcome>;

/** The event an outcome is recorded as, and its property. */
export const callOutcomeEvent = 'call_outcome';

/** A task waits in its team's queue (open), is on an agent's desk (claimed), or is done (closed, with an outcome). */
export const taskStatuses = ['open', 'claimed', 'closed'] as const;
export type TaskStatus = (typeof taskStatuses)[number];

/** The queue a task joins when its contact names none (trait `call_team`). */
export const defaultTeam = 'default';

/** An agent's daily capacity until an admin sets one. */
export const defaultDailyCapacity = 40;

/** A note an agent leaves with an outcome: at most this long. */
export const noteMax = 1000;
