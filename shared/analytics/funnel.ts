/**
 * The lending funnel's business steps, in the order a contact goes through
 * them (DOMAIN.md): logged in → applied → approved by the lender → called
 * by the call centre → drew the loan. A journey's tracked events (its funnel and goals) are shown in this
 * order; events the workspace does not know as steps come after, in the
 * journey's own order.
 */
export const businessSteps: readonly { event: string; label: string }[] = [
  { event: 'app_login', label: 'logged in' },
  { event: 'credit_application_started', label: 'applied' },
  { event: 'credit_granted', label: 'approved' },
  // the call centre phoned them (any outcome: shared/agentTasks/outcomes.ts), between the approval and the draw it is there to bring about
  { event: 'call_outcome', label: 'called' },
  { event: 'loan_drawn', label: 'drawn' },
];

/** The label ops read for an event: the business step's name, or the event itself. */
export const stepLabel = (event: string): string => businessSteps.find((s) => s.event === event)?.label ?? event;

/** `events`, deduplicated, in business order (unknown events last, in their given order). */
export function inBusinessOrder(events: readonly string[]): string[] {
  const rank = (e: string) => {
    const i = businessSteps.findIndex((s) => s.event === e);
    return i < 0 ? businessSteps.length : i;
  };
  return [...new Set(events)]
    .map((e, i) => ({ e, i }))
    .sort((a, b) => rank(a.e) - rank(b.e) || a.i - b.i)
    .map((x) => x.e);
}

/** The events a journey's funnels track, in business order: its funnel setting's steps and its goals. */
export function trackedSteps(settings: { funnel?: readonly string[] | undefined; goals: readonly { event: string }[] }): string[] {
  return inBusinessOrder([...(settings.funnel ?? []), ...settings.goals.map((g) => g.event)]);
}

/** One pass through a node: when it began, when its message was first clicked, and when each tracked event was first credited after it. */
export interface Passage {
  start: number;
  clickedAt?: number | null;
  /** event → the first time it was credited to this pass (within the attribution window) */
  events: Readonly<Record<string, number>>;
}

/**
 * A funnel that is a funnel: how many passes reached each step, where a pass
 * reaches a step only if it did it after the node visit and after the step
 * before (clicked, when `click`, then `steps` in order). Every count is at
 * most the one above it, by construction. Index 0 is every pass; then the
 * click, if asked; then each step.
 */
export function sequentialFunnel(passages: readonly Passage[], steps: readonly string[], { click }: { click: boolean }): number[] {
  const counts = new Array<number>(1 + (click ? 1 : 0) + steps.length).fill(0);
  for (const p of passages) {
    // the times of the steps this pass did, in funnel order; it stops at the first step missing or done too early
    const times = click ? [p.clickedAt ?? undefined, ...steps.map((e) => p.events[e])] : steps.map((e) => p.events[e]);
    let t = p.start;
    let reached = 1;
    for (const at of times) {
      if (at === undefined || at < t) break;
      t = at;
      reached++;
    }
    for (let k = 0; k < reached; k++) counts[k] = (counts[k] ?? 0) + 1;
  }
  return counts;
}

/** The rule the funnel panel names on screen. */
export const funnelRule = (windowDays: number): string =>
  `Each step counts those who did it after this node and after the step above, within ${windowDays} days (the first time each step happened), so no bar is longer than the one above.`;
