/**
 * The lending funnel's business steps, in the order a contact goes through
 * them (DOMAIN.md): logged in → applied → approved by the lender → drew the
 * loan. A journey's tracked events (its funnel and goals) are shown in this
 * order; events the workspace does not know as steps come after, in the
 * journey's own order.
 */
export const businessSteps: readonly { event: string; label: string }[] = [
  { event: 'app_login', label: 'logged in' },
  { event: 'credit_application_started', label: 'applied' },
  { event: 'credit_granted', label: 'approved' },
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
