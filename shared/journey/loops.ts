import { z } from 'zod';

/**
 * The loop limit a wait node may carry: a loop that can send a message must
 * pass a node with one, or compile refuses it (`unbounded_send_loop`), so
 * every published journey has a finite message bound per contact. A run that
 * arrives at the node once more than the limit leaves the journey there with
 * `loopLimitReason`; it starts counting again when the contact re-enters.
 *
 * Why not also "a wait that only an event ends": such a loop sends once per
 * event the contact does, and a contact who opens the app every day would get
 * a message every day. Its bound is not finite, which the forecast and the
 * regulator both need, so it takes a limit like any other loop.
 */
export const MaxVisits = z.number().int('a whole number of passes').min(1, 'at least 1 pass').max(100, 'at most 100 passes').nullable().default(null).meta({
  title: 'Pass at most … times',
  titleKey: 'field.passAtMostTimes',
  description: 'In a loop: after this many passes a contact leaves the journey here. A loop that sends must have a limit.',
  descriptionKey: 'field.passAtMostTimes.help',
});

/** The exit reason of a run that reached a node's loop limit. */
export const loopLimitReason = 'loop_limit';
