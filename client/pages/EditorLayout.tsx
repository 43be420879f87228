import { useState, type CSSProperties, type ReactNode } from 'react';
import { useReactFlow } from '@xyflow/react';
import type { Located } from '../../shared/journey/errors';
import type { NodeKind } from '../../shared/journey/registry';
import { useEditorStore, useEditorStoreApi } from '../store/editorContext';
import { JourneyCanvas } from '../canvas/JourneyCanvas';
import { NODE_HALF_WIDTH, NODE_HEIGHT, NODE_WIDTH } from '../mapping/layout';
import { Palette } from '../panels/Palette';
import { ProblemsPanel } from '../panels/ProblemsPanel';
import { SettingsPanel } from '../panels/SettingsPanel';
import { Inspector, type FieldFocus } from '../inspector/Inspector';
import { msg } from '../i18n/messageIds';
import { useT } from '../i18n/useT';

/** The editor's sidebar tabs. Every editor has inspector, settings and problems; the journey page adds funnel (overlay on) and versions. */
export type EditorTab = 'inspector' | 'funnel' | 'settings' | 'problems' | 'versions';

export interface TabSpec {
  id: EditorTab;
  /** the tab's message id */
  label: string;
  badge?: number;
}

/** The sidebar's tabs in order: funnel only while the overlay is on, versions only when given their count. */
export function editorTabs({ problems, funnel = false, versions }: { problems: number; funnel?: boolean; versions?: number }): TabSpec[] {
  return [
    { id: 'inspector', label: msg('editor.tab.inspector') },
    ...(funnel ? [{ id: 'funnel' as const, label: msg('editor.tab.funnel') }] : []),
    { id: 'settings', label: msg('editor.tab.settings') },
    { id: 'problems', label: msg('editor.tab.problems'), badge: problems },
    ...(versions !== undefined ? [{ id: 'versions' as const, label: msg('editor.tab.versions'), badge: versions }] : []),
  ];
}

/**
 * The editor's state between canvas and sidebar: the open tab, the field the
 * inspector should scroll to, focusing a problem (its node and field, its
 * edge, or the settings) and adding a node from the palette at the canvas's
 * centre. Needs the editor store and a ReactFlowProvider above it.
 */
export function useEditorLayout(initialTab: EditorTab = 'inspector') {
  const store = useEditorStoreApi();
  const [tab, setTab] = useState<EditorTab>(initialTab);
  const [focus, setFocus] = useState<FieldFocus | null>(null);
  const { fitView, getViewport, screenToFlowPosition, setCenter } = useReactFlow();

  const focusProblem = (p: Located) => {
    const s = store.getState();
    if (p.nodeId) {
      s.selectNode(p.nodeId);
      void fitView({ nodes: [{ id: p.nodeId }], duration: 300, maxZoom: 1.1, padding: 0.6 });
      setTab('inspector');
      setFocus({ nodeId: p.nodeId, field: p.field ?? '', seq: Date.now() });
    } else if (p.edgeId) {
      const e = s.edges.find((x) => x.id === p.edgeId);
      s.selectEdge(p.edgeId);
      if (e) void fitView({ nodes: [{ id: e.source }, { id: e.target }], duration: 300, maxZoom: 1.1, padding: 0.4 });
    } else if (p.field?.startsWith('settings')) {
      s.selectNode(null);
      setTab('settings');
    }
  };

  /**
   * Adds a node of `kind` from a press on the palette: after the selected node
   * (below it and wired from its first free port), else in free space around
   * the view's centre, a third of the way down. The new node is selected and
   * brought into view if it landed outside it.
   */
  const addAtCentre = (kind: NodeKind) => {
    const canvas = document.querySelector('.canvas')?.getBoundingClientRect();
    const p = canvas ? screenToFlowPosition({ x: canvas.left + canvas.width / 2, y: canvas.top + canvas.height / 3 }) : { x: -getViewport().x, y: -getViewport().y };
    const id = store.getState().placeNode(kind, { x: Math.round(p.x), y: Math.round(p.y) });
    const node = store.getState().nodes.find((n) => n.id === id);
    if (!node || !canvas) return;
    const topLeft = screenToFlowPosition({ x: canvas.left, y: canvas.top });
    const bottomRight = screenToFlowPosition({ x: canvas.right, y: canvas.bottom });
    const inView = node.position.x >= topLeft.x && node.position.y >= topLeft.y && node.position.x + NODE_WIDTH <= bottomRight.x && node.position.y + NODE_HEIGHT <= bottomRight.y;
    if (!inView) void setCenter(node.position.x + NODE_HALF_WIDTH, node.position.y + NODE_HEIGHT / 2, { zoom: getViewport().zoom, duration: 200 });
  };

  return { tab, setTab, focus, focusProblem, addAtCentre };
}

export interface EditorBodyProps {
  tabs: TabSpec[];
  tab: EditorTab;
  onTab: (tab: EditorTab) => void;
  focus: FieldFocus | null;
  onFocusProblem: (p: Located) => void;
  onAdd: (kind: NodeKind) => void;
  style?: CSSProperties;
  /** panels of the page's own tabs (funnel, versions), shown in the tab panel beside the shared ones */
  children?: ReactNode;
}

/** Palette, canvas, and the sidebar with its tabs: inspector, settings and problems, plus whatever tabs the page adds. */
export function EditorBody({ tabs, tab, onTab, focus, onFocusProblem, onAdd, style, children }: EditorBodyProps) {
  const readOnly = useEditorStore((s) => s.readOnly);
  const t = useT();
  return (
    <div className="journey__body" style={style}>
      <Palette onAdd={onAdd} disabled={readOnly} />
      <JourneyCanvas />
      <aside className="sidebar" aria-label={t('editor.sidebar')}>
        <div role="tablist" aria-label={t('editor.panels')} className="tabs">
          {tabs.map((spec) => (
            <button
              key={spec.id}
              type="button"
              role="tab"
              id={`tab-${spec.id}`}
              aria-selected={tab === spec.id}
              aria-controls={`panel-${spec.id}`}
              className="tabs__tab"
              onClick={() => onTab(spec.id)}
            >
              {t(spec.label)}
              {spec.badge !== undefined && <span className={`count${spec.id === 'problems' && spec.badge ? ' count--bad' : ''}`}>{spec.badge}</span>}
            </button>
          ))}
        </div>
        <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`} className="sidebar__body">
          {tab === 'inspector' && <Inspector focus={focus} />}
          {children}
          {tab === 'settings' && <SettingsPanel />}
          {tab === 'problems' && <ProblemsPanel onFocus={onFocusProblem} />}
        </div>
      </aside>
    </div>
  );
}
