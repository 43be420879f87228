import { evaluateRuleSet, type Profile, type ProfileEvent } from '../../shared/segments/evaluate';
import type { RuleSet } from '../../shared/segments/rules';
import { seededRng } from '../../shared/util/hash';
import { DAY } from '../../shared/util/time';

/**
 * A made-up population for segment counts in stories. Seeded and built
 * against a fixed clock, so every story (and every screenshot) shows the same
 * numbers; counted with the shared evaluator, so editing a segment's rules in
 * the inspector changes the count the way the server's SQL would.
 */

/** The stories' "now": Monday 2 March 2026, 10:00 in Shanghai. */
export const storyNow = Date.parse('2026-03-02T10:00:00+08:00');

export interface CrowdContact {
  id: number;
  externalId: string;
  profile: Profile;
}

const SIZE = 600;
/** Each made-up contact stands for this many real ones, so counts read like a lender's base. */
const SCALE = 47;
const names = ['王小明', '李娜', '张伟', '刘洋', '陈静', 'Li Wei', 'Zhang Min', '赵磊', '孙丽', '周杰'];

function contact(i: number): CrowdContact {
  const r = seededRng(`crowd:${i}`);
  const daysAgo = (key: string, max: number) => storyNow - Math.floor(r(key) * max * DAY) - DAY / 2;
  const events: ProfileEvent[] = [];
  const loggedIn = r('login') < 0.55;
  if (loggedIn) events.push({ name: 'app_login', at: daysAgo('login.at', 45), properties: {} });
  if (loggedIn && r('apply') < 0.4) events.push({ name: 'credit_application_started', at: daysAgo('apply.at', 40), properties: {} });
  const status = r('status');
  const credit_status = !loggedIn ? null : status < 0.3 ? 'approved' : status < 0.4 ? 'rejected' : null;
  if (credit_status === 'approved' && r('drew') < 0.5) events.push({ name: 'loan_drawn', at: daysAgo('drew.at', 200), properties: {} });
  const owes = events.some((e) => e.name === 'loan_drawn');
  return {
    id: i + 1,
    externalId: `u_${(100_000 + i * 7919).toString(36)}`,
    profile: {
      timezone: 'Asia/Shanghai',
      registeredAt: daysAgo('registered', 365),
      events,
      traits: {
        name: names[i % names.length],
        limit: 5_000 + Math.floor(r('limit') * 10) * 2_000,
        daily_rate: 0.3,
        os: r('os') < 0.7 ? 'android' : 'ios',
        ...(credit_status ? { credit_status } : {}),
        ...(owes ? { days_to_due: Math.floor(r('due') * 30), amount_due: 1_000 + Math.floor(r('amount') * 40) * 100 } : {}),
      },
    },
  };
}

export const crowd: CrowdContact[] = Array.from({ length: SIZE }, (_, i) => contact(i));

/** How many contacts match `rules` now (scaled) out of how many read (everyone, scaled), and the newest `sample` of them. */
export function countCrowd(rules: RuleSet, sample: number): { count: number; scanned: number; sample: CrowdContact[] } {
  const hits = crowd.filter((c) => evaluateRuleSet(rules, c.profile, storyNow));
  const newest = [...hits].sort((a, b) => (b.profile.registeredAt ?? 0) - (a.profile.registeredAt ?? 0));
  return { count: hits.length * SCALE, scanned: crowd.length * SCALE, sample: newest.slice(0, sample) };
}
