import type { Translate } from './useT';

/**
 * A message to show later, as data: the store keeps its notices and refusals
 * this way, so they are worded when shown, in the language chosen then.
 * `nodes` names ICU arguments that hold a node id: the page fills in the
 * node's name as it shows it (its title, else its kind in that language).
 * `messages` names ICU arguments that hold a message id (a fixed port's
 * label): worded in the language chosen when shown.
 */
export interface MessageRef {
  id: string;
  values?: Record<string, string | number>;
  nodes?: Record<string, string>;
  messages?: Record<string, string>;
}

/** A MessageRef (or text already worded) in words. */
export function refText(t: Translate, m: MessageRef | string, nodeName?: (nodeId: string) => string | undefined): string {
  if (typeof m === 'string') return m;
  const values: Record<string, string | number> = { ...m.values };
  for (const [k, id] of Object.entries(m.nodes ?? {})) values[k] = nodeName?.(id) ?? id;
  for (const [k, id] of Object.entries(m.messages ?? {})) values[k] = t(id);
  return t(m.id, values);
}
