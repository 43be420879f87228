import type { KeyedRng } from '../util/hash';
import { pickByWeight } from '../journey/nodes/splitRandom';

/**
 * The variant a contact gets at a node for a template version: deterministic
 * from (contact, node, template version) and the weights, so it is sticky
 * across retries and replays.
 */
export function assignVariant<V extends { key: string; weight: number }>(variants: readonly V[], rng: KeyedRng, contactId: string | number, nodeId: string, templateVersion: string | number): V {
  const i = pickByWeight(
    variants.map((v) => v.weight),
    rng(`variant:${contactId}:${nodeId}:${templateVersion}`),
  );
  // float weights that fall a hair short of 100 leave a sliver: it belongs to the last weighted variant
  return (variants[i] ?? variants.findLast((v) => v.weight > 0) ?? variants[0]) as V;
}
