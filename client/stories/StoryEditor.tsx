import { useState } from 'react';
import { useReactFlow } from '@xyflow/react';
import type { Located } from '../../shared/journey/errors';
import type { NodeKind } from '../../shared/journey/registry';
import { useEditorStore, useEditorStoreApi } from '../store/editorContext';
import { JourneyCanvas } from '../canvas/JourneyCanvas';
import { Palette } from '../panels/Palette';
import { ProblemsPanel } from '../panels/ProblemsPanel';
import { SettingsPanel } from '../panels/SettingsPanel';
import { Inspector, type FieldFocus } from '../inspector/Inspector';

type Tab = 'inspector' | 'settings' | 'problems';

/**
 * The journey page's editor without its header, versions and autosave:
 * palette, canvas and the inspector / settings / problems tabs over one
 * editor store. JourneyPage's own `Editor` needs `journeys.get` and
 * `saveDraft` and is not exported, so this mirrors its layout and wiring.
 */
export function StoryEditor({ initialTab = 'inspector' }: { initialTab?: Tab }) {
  const store = useEditorStoreApi();
  const readOnly = useEditorStore((s) => s.readOnly);
  const problemCount = useEditorStore((s) => s.problems.length);
  const [tab, setTab] = useState<Tab>(initialTab);
  const [focus, setFocus] = useState<FieldFocus | null>(null);
  const { fitView, screenToFlowPosition } = useReactFlow();

  const focusProblem = (p: Located) => {
    const s = store.getState();
    if (p.nodeId) {
      s.selectNode(p.nodeId);
      void fitView({ nodes: [{ id: p.nodeId }], duration: 300, maxZoom: 1.1, padding: 0.6 });
      setTab('inspector');
      setFocus({ nodeId: p.nodeId, field: p.field ?? '', seq: Date.now() });
    } else if (p.edgeId) s.selectEdge(p.edgeId);
    else if (p.field?.startsWith('settings')) setTab('settings');
  };
  const addAtCentre = (kind: NodeKind) => {
    const box = document.querySelector('.canvas')?.getBoundingClientRect();
    const p = box ? screenToFlowPosition({ x: box.left + box.width / 2, y: box.top + box.height / 3 }) : { x: 0, y: 0 };
    store.getState().addNode(kind, { x: Math.round(p.x - 120), y: Math.round(p.y) });
    setTab('inspector');
  };

  const tabs: { id: Tab; label: string; badge?: number }[] = [
    { id: 'inspector', label: 'Inspector' },
    { id: 'settings', label: 'Journey settings' },
    { id: 'problems', label: 'Problems', badge: problemCount },
  ];
  return (
    <div className="journey__body" style={{ height: '100vh' }}>
      <Palette onAdd={addAtCentre} disabled={readOnly} />
      <JourneyCanvas />
      <aside className="sidebar" aria-label="Journey details">
        <div role="tablist" aria-label="Panels" className="tabs">
          {tabs.map((t) => (
            <button key={t.id} type="button" role="tab" id={`tab-${t.id}`} aria-selected={tab === t.id} aria-controls={`panel-${t.id}`} className="tabs__tab" onClick={() => setTab(t.id)}>
              {t.label}
              {t.badge !== undefined && <span className={`count${t.badge ? ' count--bad' : ''}`}>{t.badge}</span>}
            </button>
          ))}
        </div>
        <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`} className="sidebar__body">
          {tab === 'inspector' && <Inspector focus={focus} />}
          {tab === 'settings' && <SettingsPanel />}
          {tab === 'problems' && <ProblemsPanel onFocus={focusProblem} />}
        </div>
      </aside>
    </div>
  );
}
