import { z } from 'zod';
import { defineKind } from '../kind';
import { Scalar } from '../../segments/rules';

/** Writes a trait on the contact, e.g. `recall_stage = "sms_sent"`. */
export const actionSetTrait = defineKind({
  kind: 'action.setTrait',
  role: 'instant',
  schema: z.object({
    trait: z.string().trim().min(1, 'Name the trait to set.').max(120).default('journey_stage').meta({ ui: 'trait', title: 'Trait', titleKey: 'field.trait' }),
    value: Scalar.default('').meta({ title: 'Value', titleKey: 'field.value' }),
  }),
  palette: { group: 'Actions', label: 'Set trait', icon: 'tag', description: 'Write a trait on the contact.', labelKey: 'kind.setTrait.label', descriptionKey: 'kind.setTrait.description' },
  summary: (c) => `${c.trait} = ${JSON.stringify(c.value)}`,
  ports: () => [{ id: 'next', label: '' }],
  enter: (c, { nodeId }) => ({ type: 'go', port: 'next', effects: [{ type: 'setTrait', nodeId, trait: c.trait, value: c.value }] }),
});
