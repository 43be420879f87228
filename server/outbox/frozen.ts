/** The exit reason (and metric label) of runs ended, and messages suppressed, by archiving their journey. */
export const archivedExitReason = 'journey_archived';
/** Why a message of a paused journey is held. */
export const pausedHoldReason = 'journey_paused';

/**
 * Where an unsent message of a frozen or ended journey belongs, by the
 * journey's status: held while paused (queued again on resume), suppressed
 * once archived. Any other status: nowhere special, the queue.
 */
export const frozenMessage: Readonly<Record<string, { status: 'held' | 'suppressed'; reason: string }>> = {
  paused: { status: 'held', reason: pausedHoldReason },
  archived: { status: 'suppressed', reason: archivedExitReason },
};

/**
 * A SQL CASE on the journey's status (`j.status`) picking a frozen message's
 * status or reason, `otherwise` for a journey that is not frozen: lets one
 * statement send a retry or a recovered message to the queue, or hold or
 * suppress it, as its journey now stands.
 */
export const frozenCase = (pick: (f: { status: string; reason: string }) => string, otherwise: string, journeyStatus = 'j.status'): string =>
  `case ${journeyStatus} ${Object.entries(frozenMessage)
    .map(([js, f]) => `when '${js}' then ${pick(f)}`)
    .join(' ')} else ${otherwise} end`;
