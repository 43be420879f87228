import { z } from 'zod';
import { defineKind } from '../kind';

const Arm = z.object({
  key: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,31}$/, 'must be lower-case letters, digits or _, starting with a letter')
    .meta({ title: 'Port key', titleKey: 'field.portKey' }),
  label: z.string().trim().min(1).max(40).meta({ title: 'Label', titleKey: 'field.label' }),
  weight: z.number().min(0).max(100).meta({ title: 'Weight %', titleKey: 'field.weight' }),
});

/** Pick an arm index for a draw r ∈ [0,1) over `weights` (percent); -1 when r falls in the remainder. */
export function pickByWeight(weights: readonly number[], r: number): number {
  let acc = 0;
  const x = r * 100;
  for (let i = 0; i < weights.length; i++) {
    acc += weights[i] ?? 0;
    if (x < acc) return i;
  }
  return -1;
}

/**
 * Weighted random arms, deterministic per (contact, node). An optional holdout
 * arm gets nothing: the run exits there but is counted, so uplift can be measured.
 */
export const splitRandom = defineKind({
  kind: 'split.random',
  role: 'instant',
  schema: z
    .object({
      arms: z
        .array(Arm)
        .min(1, 'add at least one arm')
        .max(10)
        .default([
          { key: 'a', label: 'A', weight: 50 },
          { key: 'b', label: 'B', weight: 50 },
        ])
        .meta({ title: 'Arms', titleKey: 'field.arms' }),
      holdout: z
        .number()
        .min(0)
        .max(100)
        .default(0)
        .meta({ title: 'Holdout %', titleKey: 'field.holdout', description: 'Contacts who get nothing but are counted, to measure uplift.', descriptionKey: 'field.holdout.help' }),
    })
    .superRefine((c, ctx) => {
      const total = c.arms.reduce((s, a) => s + a.weight, 0) + c.holdout;
      if (Math.abs(total - 100) > 1e-9) ctx.addIssue({ code: 'custom', path: ['arms'], message: `weights and holdout must sum to 100 (now ${total})` });
      const seen = new Set<string>();
      c.arms.forEach((a, i) => {
        if (seen.has(a.key)) ctx.addIssue({ code: 'custom', path: ['arms', i, 'key'], message: `arm key "${a.key}" is used twice` });
        seen.add(a.key);
      });
    }),
  palette: {
    group: 'Logic',
    label: 'Random split',
    icon: 'shuffle',
    description: 'Split traffic into weighted arms, with an optional holdout.',
    labelKey: 'kind.randomSplit.label',
    descriptionKey: 'kind.randomSplit.description',
  },
  summary: (c) => c.arms.map((a) => `${a.label} ${a.weight}%`).join(' · ') + (c.holdout ? ` · holdout ${c.holdout}%` : ''),
  summaryMessage: (c) => ({ messageKey: 'summary.split', values: { arms: c.arms.map((a) => `${a.label} ${a.weight}%`).join(' · '), holdout: c.holdout ? String(c.holdout) : 'none' } }),
  ports: (c) => c.arms.map((a) => ({ id: a.key, label: `${a.label} ${a.weight}%` })),
  enter(c, { ctx, run, nodeId }) {
    const weights = c.arms.map((a) => a.weight);
    let i = pickByWeight(weights, ctx.rng(`${run.contactId}:${nodeId}`));
    // float sums such as 0.1 + 64.1 + 35.8 fall a hair short of 100; without a holdout that sliver belongs to the last real arm
    if (i < 0 && c.holdout === 0) i = weights.findLastIndex((w) => w > 0);
    const arm = c.arms[i];
    if (!arm) return { type: 'exit', reason: 'holdout', effects: [{ type: 'metric', metric: 'holdout', nodeId }] };
    return { type: 'go', port: arm.key };
  },
});
