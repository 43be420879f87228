import type { z } from 'zod';
import type { AnyKindDef, KindDef, PaletteGroup } from './kind';
import { paletteGroups } from './kind';
import { triggerSegment } from './nodes/triggerSegment';
import { triggerEvent } from './nodes/triggerEvent';
import { waitDuration } from './nodes/waitDuration';
import { waitUntil } from './nodes/waitUntil';
import { waitEvent } from './nodes/waitEvent';
import { branchCondition } from './nodes/branchCondition';
import { splitRandom } from './nodes/splitRandom';
import { send } from './nodes/send';
import { actionSetTrait } from './nodes/actionSetTrait';
import { exit } from './nodes/exit';

/** Keys must equal each kind's own `kind`: a typo is a type error. */
function defineRegistry<T extends { [K in keyof T]: KindDef<K & string, z.ZodType> }>(kinds: T): T {
  return kinds;
}

/** The one list of node kinds. Everything else (palette, inspector, compiler, step, docs) reads it. */
export const nodeKinds = defineRegistry({
  'trigger.segment': triggerSegment,
  'trigger.event': triggerEvent,
  'wait.duration': waitDuration,
  'wait.until': waitUntil,
  'wait.event': waitEvent,
  'branch.condition': branchCondition,
  'split.random': splitRandom,
  send,
  'action.setTrait': actionSetTrait,
  exit,
});

export type NodeKind = keyof typeof nodeKinds;
export type ConfigOf<K extends NodeKind> = z.output<(typeof nodeKinds)[K]['schema']>;

export const nodeKindNames = Object.keys(nodeKinds) as NodeKind[];

export function isNodeKind(k: string): k is NodeKind {
  return Object.hasOwn(nodeKinds, k);
}

/** The kind's definition, widened for generic code (compile, step, inspector). */
export function kindDef(kind: NodeKind): AnyKindDef {
  return nodeKinds[kind];
}

/** A new node's config: the schema's defaults. */
export function defaultConfig<K extends NodeKind>(kind: K): ConfigOf<K> {
  return nodeKinds[kind].schema.parse({}) as ConfigOf<K>;
}

/** Kinds by palette group, in palette order. */
export function paletteByGroup(): { group: PaletteGroup; kinds: NodeKind[] }[] {
  return paletteGroups.map((group) => ({ group, kinds: nodeKindNames.filter((k) => nodeKinds[k].palette.group === group) }));
}
