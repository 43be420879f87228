import { useMemo } from 'react';
import { assertNever } from '../../shared/util/assertNever';
import { nodeKinds, type NodeKind } from '../../shared/journey/registry';
import type { GraphChange, SettingsKey } from '../../shared/journey/diff';
import type { GraphNode, JourneyGraph } from '../../shared/journey/graph';
import { msg } from '../i18n/messageIds';
import { useT, type Translate } from '../i18n/useT';
import { portLabel, portText } from '../mapping/ports';
import { kindSchema } from '../inspector/jsonSchema';

/** The settings' names (shared/journey/diff.ts `settingsLabels`, in English there). */
const settingsMessages = {
  entry: msg('diff.settings.entry'),
  reentry: msg('diff.settings.reentry'),
  exitCriteria: msg('diff.settings.exitCriteria'),
  goals: msg('diff.settings.goals'),
  exclusionGroup: msg('diff.settings.exclusionGroup'),
  funnel: msg('diff.settings.funnel'),
  sleeping: msg('diff.settings.sleeping'),
} satisfies Record<SettingsKey, string>;

/** Settings' names, listed. */
const settingsText = (t: Translate, keys: readonly SettingsKey[]): string => keys.map((k) => t(settingsMessages[k])).join(t('diff.sep'));

const sumMessages = { added: msg('diff.sum.added'), removed: msg('diff.sum.removed'), changed: msg('diff.sum.changed') };

/** What a summary needs of a change: its type, and a settings change's keys. */
export type ChangeKind = { type: Exclude<GraphChange['type'], 'settingsChanged'> } | { type: 'settingsChanged'; keys: readonly SettingsKey[] };

interface Graphs {
  before: JourneyGraph | null;
  after: JourneyGraph;
}

/**
 * What a publish changes, in the reader's language: each change worded from
 * its data (diffGraphs keeps an English `message` for the API and the audit
 * log), with the nodes named as the canvas names them.
 */
export function changeWords(t: Translate, { before, after }: Graphs) {
  const kind = (k: NodeKind) => t(nodeKinds[k].palette.labelKey);
  const find = (id: string, first: JourneyGraph | null, second: JourneyGraph | null): GraphNode | undefined => first?.nodes.find((n) => n.id === id) ?? second?.nodes.find((n) => n.id === id);
  const name = (n: GraphNode | undefined, id: string) => (n ? n.title?.trim() || kind(n.kind) : id);
  const port = (n: GraphNode | undefined, id: string) => {
    if (id === 'next') return '';
    return t('diff.port', { port: (n && portText(t, portLabel(n.kind, n.config, id))) || id });
  };
  const settings = (keys: readonly SettingsKey[]) => settingsText(t, keys);

  const line = (c: GraphChange): string => {
    switch (c.type) {
      case 'nodeAdded':
        return t('diff.nodeAdded', { node: name(find(c.nodeId, after, null), c.nodeId), kind: kind(c.kind) });
      case 'nodeRemoved':
        return t('diff.nodeRemoved', { node: name(find(c.nodeId, before, null), c.nodeId), kind: kind(c.kind) });
      case 'nodeKindChanged':
        return t('diff.nodeKindChanged', { node: name(find(c.nodeId, after, null), c.nodeId), from: kind(c.from), to: kind(c.to) });
      case 'nodeChanged': {
        const was = name(find(c.nodeId, before, null), c.nodeId);
        const node = name(find(c.nodeId, after, null), c.nodeId);
        const fields = c.fields.filter((f) => f !== 'title');
        if (fields.length === 0) return t('diff.renamed', { was, node });
        const kindOf = find(c.nodeId, after, before)?.kind;
        // each config field by its title in the inspector, in the reader's language
        const field = (f: string) => {
          const s = kindOf ? kindSchema(kindOf).properties?.[f] : undefined;
          return s?.titleKey ? t(s.titleKey) : (s?.title ?? f);
        };
        return t('diff.nodeChanged', { node, was, renamed: was === node ? 'no' : 'yes', fields: fields.map(field).join(t('diff.sep')) });
      }
      case 'edgeAdded':
      case 'edgeRemoved': {
        const graph = c.type === 'edgeAdded' ? after : before;
        const from = find(c.source, graph, null);
        return t(c.type === 'edgeAdded' ? msg('diff.connected') : msg('diff.disconnected'), {
          from: name(from, c.source),
          port: port(from, c.sourcePort),
          to: name(find(c.target, graph, null), c.target),
        });
      }
      case 'settingsChanged':
        return t('diff.settingsChanged', { keys: settings(c.keys) });
      default:
        return assertNever(c, 'graph change');
    }
  };

  return { line, summary: (changes: readonly ChangeKind[]) => changeSummary(t, changes) };
}

/** One line for a publish's changes: "2 nodes added, 1 changed, settings: goals" (the noun said once per group), or "No changes". */
export function changeSummary(t: Translate, changes: readonly ChangeKind[]): string {
  const settings = (keys: readonly SettingsKey[]) => settingsText(t, keys);
  const n = { nodeAdded: 0, nodeRemoved: 0, nodeChanged: 0, edgeAdded: 0, edgeRemoved: 0 };
  const keys: SettingsKey[] = [];
  for (const c of changes) {
    if (c.type === 'settingsChanged') {
      for (const k of c.keys) if (!keys.includes(k)) keys.push(k);
    } else n[c.type === 'nodeKindChanged' ? 'nodeChanged' : c.type]++;
  }
  const group = (noun: 'node' | 'connection', counts: [verb: 'added' | 'removed' | 'changed', n: number][]) =>
    counts.filter(([, k]) => k > 0).map(([verb, k], i) => t(sumMessages[verb], { n: k, noun, first: i === 0 ? 'yes' : 'no' }));
  const parts = [
    ...group('node', [
      ['added', n.nodeAdded],
      ['removed', n.nodeRemoved],
      ['changed', n.nodeChanged],
    ]),
    ...group('connection', [
      ['added', n.edgeAdded],
      ['removed', n.edgeRemoved],
    ]),
    ...(keys.length ? [t('diff.sum.settings', { keys: settings(keys) })] : []),
  ];
  return parts.length ? parts.join(t('diff.sep')) : t('diff.none');
}

/** `changeWords` in the chosen locale. */
export function useChangeWords(graphs: Graphs) {
  const t = useT();
  const { before, after } = graphs;
  return useMemo(() => changeWords(t, { before, after }), [t, before, after]);
}
