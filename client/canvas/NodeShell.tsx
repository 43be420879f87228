import { useKindSummary } from '../i18n/useKindSummary';
import { NumbersStrip, type NumbersRow } from './NumbersStrip';
import { memo, useCallback, useMemo, type ReactNode } from 'react';
import { Handle, Position } from '@xyflow/react';
import { useShallow } from 'zustand/react/shallow';
import { CircleAlert } from 'lucide-react';
import { msg } from '../i18n/messageIds';
import { useT } from '../i18n/useT';
import { useProblemText } from '../i18n/problemText';
import { zodIssueText } from '../i18n/serverText';
import type { Located } from '../../shared/journey/errors';
import { nodeKinds } from '../../shared/journey/registry';
import type { Port } from '../../shared/journey/kind';
import type { JourneyNodeData } from '../mapping/flowTypes';
import { parseNodeConfig, portText } from '../mapping/ports';
import { useEditorStore } from '../store/editorContext';
import type { EditorState } from '../store/createEditorStore';
import type { NodeOverlay } from '../store/slices/overlaySlice';
import { conversionBand } from '../analytics/conversionScale';
import { paletteIcon } from './icons';
import { BacktestStrip } from './BacktestStrip';

export interface NodeShellProps {
  id: string;
  data: JourneyNodeData;
  selected?: boolean;
  /** What the kind's own component draws for a valid config; replaces the registry summary. */
  body?: ReactNode;
}

const noProblems: Located[] = [];
const noPorts: string[] = [];

/**
 * Wired source ports by node, built once per edges array and shared by every
 * node: each node scanning all edges on every store update (a drag frame) was
 * O(nodes × edges).
 */
const portsBySource = new WeakMap<EditorState['edges'], Map<string, string[]>>();
function wiredPortIndex(edges: EditorState['edges']): Map<string, string[]> {
  let index = portsBySource.get(edges);
  if (!index) {
    index = new Map();
    for (const e of edges) {
      if (!e.sourceHandle) continue;
      const ports = index.get(e.source);
      if (!ports) index.set(e.source, [e.sourceHandle]);
      else if (!ports.includes(e.sourceHandle)) ports.push(e.sourceHandle);
    }
    portsBySource.set(edges, index);
  }
  return index;
}

/** Source ports that edges use but the config doesn't declare (a removed case, an unparsable config). */
const wiredPorts = (s: EditorState, id: string): string[] => wiredPortIndex(s.edges).get(id) ?? noPorts;

/** Ports the compiler says are not wired (`ports.<id>`), so the node can mark those handles. */
function unwiredPorts(s: EditorState, id: string): string[] {
  const out: string[] = [];
  for (const p of s.problems) if (p.nodeId === id && p.field?.startsWith('ports.')) out.push(p.field.slice(6));
  return out;
}

/** The overlay's numbers under a node: entered, waiting now, sent, converted. */
export function OverlayStrip({ overlay }: { overlay: NodeOverlay }) {
  const t = useT();
  const rows: NumbersRow[] = [
    { term: msg('numbers.entered'), count: overlay.entered },
    { term: msg('numbers.waiting'), count: overlay.waiting },
    ...(overlay.sent !== undefined ? [{ term: msg('numbers.sent'), count: overlay.sent }] : []),
    ...(overlay.noConversion ? [] : [{ term: msg('numbers.converted'), count: overlay.converted, rate: overlay.conversionRate }]),
  ];
  return <NumbersStrip className={`jn__overlay jn__overlay--band${conversionBand(overlay.conversionRate)}`} label={t('numbers.node')} rows={rows} />;
}

/** Source handles spread evenly along the bottom edge; port labels sit right above them. */
const handleLeft = (i: number, n: number): string => `${((i + 1) / (n + 1)) * 100}%`;

/**
 * The frame every node kind draws: icon, palette label, title, the registry's
 * summary, a target handle (not on entries) and one source handle per port
 * the registry declares (an optional one, such as a send node's `failed`,
 * faint until it is wired).
 */
export const NodeShell = memo(function NodeShell({ id, data, selected, body }: NodeShellProps) {
  const t = useT();
  const summarize = useKindSummary();
  const def = nodeKinds[data.kind];
  // an untitled node is called by its kind, in the reader's language
  const title = data.title?.trim() || t(def.palette.labelKey);
  const parsed = useMemo(() => parseNodeConfig(data.kind, data.config), [data.kind, data.config]);
  const located = useEditorStore((s) => s.problemsByNode[id] ?? noProblems);
  // the node's own problems in the reader's language, by code; the node named as it is drawn
  const problemText = useProblemText(useCallback((nid: string) => (nid === id ? title : undefined), [id, title]));
  const problems = useMemo(() => located.map((p) => problemText(p)), [located, problemText]);
  const wired = useEditorStore(useShallow((s) => wiredPorts(s, id)));
  const unwired = useEditorStore(useShallow((s) => unwiredPorts(s, id)));
  const connectable = useEditorStore((s) => !s.readOnly);
  const overlay = useEditorStore((s) => s.overlay?.[id] ?? null);

  const declared: Port[] = parsed.ok ? parsed.ports : [];
  const stray: Port[] = wired.filter((p) => !declared.some((d) => d.id === p)).map((p) => ({ id: p, label: p }));
  const ports = [...declared, ...stray];
  const labelled = ports.some((p) => p.label);
  // an optional port left unwired is not a problem: drawn faint, so the canvas says the node does without it
  const idle = (p: Port): boolean => p.optional === true && !wired.includes(p.id);
  const Icon = paletteIcon(def.palette.icon);
  const group = def.palette.group.toLowerCase();

  return (
    <div
      // the node's name ("<kind>: <title>") is on React Flow's focusable wrapper around this group (nodeAriaLabel), where Tab lands
      role="group"
      aria-invalid={problems.length > 0 || undefined}
      className={`jn jn--${group}${problems.length ? ' jn--error' : ''}${selected ? ' jn--selected' : ''}`}
    >
      {def.role !== 'entry' && <Handle type="target" position={Position.Top} isConnectable={connectable} aria-label={t('node.into', { title })} />}
      <div className="jn__head">
        <span className="jn__icon" aria-hidden>
          <Icon size={14} strokeWidth={2.25} />
        </span>
        <span className="jn__kind">{t(def.palette.labelKey)}</span>
        {problems.length > 0 && (
          <span className="jn__badge" title={problems.join('\n')} aria-label={t('header.problems', { n: problems.length })}>
            <CircleAlert size={12} aria-hidden />
            {problems.length}
          </span>
        )}
      </div>
      {/* the problems as a tooltip here and on the badge, not on the group: a group's title would become its accessible name */}
      <div className="jn__body" title={problems.length ? problems.join('\n') : undefined}>
        <div className="jn__title">{title}</div>
        {!parsed.ok ? (
          <div className="jn__summary jn__summary--invalid" title={parsed.issue ? zodIssueText(t, parsed.issue) : parsed.error}>
            {t('node.invalidConfig')}
          </div>
        ) : (
          (body ?? <div className="jn__summary">{summarize(data.kind, parsed.config)}</div>)
        )}
      </div>
      {overlay && (overlay.backtest ? <BacktestStrip overlay={overlay} backtest={overlay.backtest} /> : <OverlayStrip overlay={overlay} />)}
      {labelled && (
        <div className="jn__ports" aria-hidden>
          {ports.map((p, i) => (
            <span
              key={p.id}
              className={`jn__port${stray.includes(p) ? ' jn__port--stray' : ''}${unwired.includes(p.id) ? ' jn__port--unwired' : ''}${idle(p) ? ' jn__port--optional' : ''}`}
              style={{ left: handleLeft(i, ports.length) }}
            >
              {portText(t, p)}
            </span>
          ))}
        </div>
      )}
      {ports.map((p, i) => (
        <Handle
          key={p.id}
          id={p.id}
          type="source"
          position={Position.Bottom}
          isConnectable={connectable}
          aria-label={t('node.port', { title, port: portText(t, p) || (p.id === 'next' ? t('connect.next') : p.id), state: unwired.includes(p.id) ? 'unwired' : idle(p) ? 'optional' : 'wired' })}
          data-port={p.id}
          className={[stray.includes(p) && 'jn__handle--stray', unwired.includes(p.id) && 'jn__handle--unwired', idle(p) && 'jn__handle--optional'].filter(Boolean).join(' ') || undefined}
          style={{ left: handleLeft(i, ports.length) }}
        />
      ))}
    </div>
  );
});
