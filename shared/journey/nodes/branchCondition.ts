import { z } from 'zod';
import { defineKind } from '../kind';
import { Condition, Match } from '../../segments/rules';
import { evaluateRuleSet } from '../../segments/evaluate';

export const BranchCase = z.object({
  /** port id: stable, lower-case */
  key: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,31}$/, 'must be lower-case letters, digits or _, starting with a letter')
    .meta({ title: 'Port key', titleKey: 'field.portKey' }),
  label: z.string().trim().min(1, 'give the case a name').max(40).meta({ title: 'Label', titleKey: 'field.label' }),
  match: Match.default('all').meta({ title: 'Match', titleKey: 'field.match' }),
  conditions: z.array(Condition).min(1, 'add at least one condition').meta({ title: 'Conditions', titleKey: 'field.conditions' }),
});

/** Sends the run down the first case whose conditions hold, else `else`. */
export const branchCondition = defineKind({
  kind: 'branch.condition',
  role: 'instant',
  schema: z
    .object({
      cases: z
        .array(BranchCase)
        .min(1, 'add at least one case')
        .max(10)
        .default([{ key: 'yes', label: 'Yes', match: 'all', conditions: [{ type: 'event', event: 'app_login', did: true, withinDays: 7, filter: [] }] }])
        .meta({ title: 'Cases', titleKey: 'field.cases' }),
    })
    .superRefine((c, ctx) => {
      const seen = new Set<string>();
      c.cases.forEach((k, i) => {
        if (k.key === 'else') ctx.addIssue({ code: 'custom', path: ['cases', i, 'key'], message: '"else" is reserved' });
        if (seen.has(k.key)) ctx.addIssue({ code: 'custom', path: ['cases', i, 'key'], message: `case key "${k.key}" is used twice` });
        seen.add(k.key);
      });
    }),
  palette: { group: 'Logic', label: 'Branch', icon: 'git-branch', description: 'Route by traits and event history.', labelKey: 'kind.branch.label', descriptionKey: 'kind.branch.description' },
  summary: (c) => c.cases.map((k) => k.label).join(' / ') + ' / else',
  summaryMessage: (c) => ({ messageKey: 'summary.branch', values: { cases: c.cases.map((k) => k.label).join(' / ') } }),
  ports: (c) => [...c.cases.map((k) => ({ id: k.key, label: k.label })), { id: 'else', label: 'else', labelKey: 'port.else' }],
  history(c) {
    const days: Record<string, number> = {};
    for (const k of c.cases) for (const cond of k.conditions) if (cond.type === 'event') days[cond.event] = Math.max(days[cond.event] ?? 0, cond.withinDays);
    return days;
  },
  enter(c, { ctx }) {
    const hit = c.cases.find((k) => evaluateRuleSet(k, ctx.profile, ctx.now));
    return { type: 'go', port: hit ? hit.key : 'else' };
  },
});
