import type { ContactStory } from './population';

/** How many contacts reached each stage of the lending funnel by `at` (of those registered by then). */
export interface FunnelCounts {
  registered: number;
  loggedIn: number;
  applied: number;
  /** finished every verification step */
  submitted: number;
  /** passed the app's own risk check (then approved or rejected by the lender) */
  riskPassed: number;
  approved: number;
  rejected: number;
  drew: number;
  repaidOnce: number;
  borrowedAgain: number;
  /** registered in the last 90 days before `at` and never logged in */
  recentNeverLoggedIn: number;
}

export const emptyFunnel = (): FunnelCounts => ({
  registered: 0,
  loggedIn: 0,
  applied: 0,
  submitted: 0,
  riskPassed: 0,
  approved: 0,
  rejected: 0,
  drew: 0,
  repaidOnce: 0,
  borrowedAgain: 0,
  recentNeverLoggedIn: 0,
});

export function funnelOf(stories: Iterable<ContactStory>, at: number): FunnelCounts {
  const f = emptyFunnel();
  for (const s of stories) countInFunnel(f, s, at);
  return f;
}

/** Add one contact's stages reached by `at` to `f` (for a population streamed once). */
export function countInFunnel(f: FunnelCounts, s: ContactStory, at: number): void {
  if (s.registeredAt > at) return;
  f.registered++;
  const seen = new Map<string, number>();
  let submitted = false;
  let lenderDecided = false;
  for (const h of s.happenings) {
    if (h.at > at) break;
    if (h.kind !== 'track') continue;
    seen.set(h.event, (seen.get(h.event) ?? 0) + 1);
    if (h.event === 'credit_step_completed' && h.properties.step === 'face_check') submitted = true;
    if (h.event === 'credit_granted' || (h.event === 'credit_rejected' && h.properties.by === 'lender')) lenderDecided = true;
  }
  const has = (e: string) => (seen.get(e) ?? 0) > 0;
  if (has('app_login')) f.loggedIn++;
  else if (at - s.registeredAt < 90 * 86_400_000) f.recentNeverLoggedIn++;
  if (has('credit_application_started')) f.applied++;
  if (submitted) f.submitted++;
  if (lenderDecided) f.riskPassed++;
  if (has('credit_granted')) f.approved++;
  if (has('credit_rejected')) f.rejected++;
  if (has('loan_drawn')) f.drew++;
  if (has('loan_repaid')) f.repaidOnce++;
  if ((seen.get('loan_drawn') ?? 0) > 1) f.borrowedAgain++;
}

/** DOMAIN.md's funnel per registered user: 8,000 register → 6,400 apply → 3,200 pass risk → 640 approved. */
const domainShares: Partial<Record<keyof FunnelCounts, number>> = { applied: 0.8, riskPassed: 0.4, approved: 0.08 };

/** The funnel as text lines, each stage with its share of the registered contacts (and DOMAIN.md's share where it gives one). */
export function formatFunnel(f: FunnelCounts): string[] {
  const pct = (n: number) => `${((100 * n) / Math.max(1, f.registered)).toFixed(1)}%`.padStart(6);
  const row = (label: string, key: keyof FunnelCounts) => {
    const d = domainShares[key];
    return `  ${label.padEnd(28)} ${f[key].toLocaleString('en-US').padStart(8)}  ${pct(f[key])}${d === undefined ? '' : `   (DOMAIN.md: ${(d * 100).toFixed(0)}%)`}`;
  };
  return [
    row('registered', 'registered'),
    row('logged in', 'loggedIn'),
    row('started an application', 'applied'),
    row('finished every step', 'submitted'),
    row('passed the risk check', 'riskPassed'),
    row('approved by the lender', 'approved'),
    row('rejected', 'rejected'),
    row('drew a loan', 'drew'),
    row('repaid an instalment', 'repaidOnce'),
    row('borrowed again', 'borrowedAgain'),
  ];
}
