import { useCallback, useEffect, useMemo, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useParams } from 'react-router';
import { ReactFlowProvider, useReactFlow } from '@xyflow/react';
import type { Located } from '../../shared/journey/errors';
import type { NodeKind } from '../../shared/journey/registry';
import { useTRPC, useTRPCClient, type JourneyDetail } from '../trpc';
import { EditorStoreProvider, useEditorStore, useEditorStoreApi } from '../store/editorContext';
import { useLiveValidation } from '../store/useLiveValidation';
import { useAutosave, type SaveDraft } from '../store/useAutosave';
import { JourneyCanvas } from '../canvas/JourneyCanvas';
import { Palette } from '../panels/Palette';
import { ProblemsPanel } from '../panels/ProblemsPanel';
import { SettingsPanel } from '../panels/SettingsPanel';
import { VersionsPanel } from '../panels/VersionsPanel';
import { Inspector, type FieldFocus } from '../inspector/Inspector';
import { CatalogueContext, emptyCatalogue, knownEvents, knownTraits, refsOf, type Catalogue } from '../inspector/catalogue';
import { LoadError, Loading } from '../components/QueryState';
import { JourneyHeader } from './JourneyHeader';
import { OverlayControls } from '../analytics/OverlayControls';
import { FunnelPanel } from '../analytics/FunnelPanel';
import { SummaryPanel } from '../analytics/SummaryPanel';
import { useOverlay, type OverlayParams } from '../analytics/useOverlay';

type Tab = 'inspector' | 'funnel' | 'settings' | 'problems' | 'versions';

/** One journey: header, palette, the canvas editing its draft, and the inspector, settings, problems and versions beside it. */
export function JourneyPage() {
  const { id = '' } = useParams();
  const trpc = useTRPC();
  const journey = useQuery(trpc.journeys.get.queryOptions({ id }));
  const templates = useQuery(trpc.templates.list.queryOptions());
  const segments = useQuery(trpc.segments.list.queryOptions());
  const loaded = templates.isSuccess && segments.isSuccess;
  const catalogue = useMemo<Catalogue>(
    () =>
      loaded
        ? {
            templates: templates.data.map((t) => ({ key: t.key, channel: t.channel, name: t.name, variants: t.variants })),
            segments: segments.data.map((s) => ({ key: s.key, name: s.name, description: s.description, rules: s.rules })),
            events: knownEvents,
            traits: knownTraits,
          }
        : emptyCatalogue,
    [loaded, templates.data, segments.data],
  );

  if (journey.isPending) return <Loading what="journey" />;
  if (journey.isError) return <LoadError error={journey.error} />;
  const j = journey.data;
  return (
    <main className="journey">
      <CatalogueContext.Provider value={catalogue}>
        <EditorStoreProvider key={j.id} initial={{ graph: j.draft, problems: j.errors, readOnly: j.status === 'archived' }}>
          <ReactFlowProvider>
            <Editor journey={j} catalogue={catalogue} catalogueLoaded={loaded} />
          </ReactFlowProvider>
        </EditorStoreProvider>
      </CatalogueContext.Provider>
    </main>
  );
}

function Editor({ journey, catalogue, catalogueLoaded }: { journey: JourneyDetail; catalogue: Catalogue; catalogueLoaded: boolean }) {
  const store = useEditorStoreApi();
  const client = useTRPCClient();
  const refs = useMemo(() => refsOf(catalogue, catalogueLoaded), [catalogue, catalogueLoaded]);
  useLiveValidation(store, refs);
  const save = useCallback<SaveDraft>((graph) => client.journeys.saveDraft.mutate({ id: journey.id, graph }), [client, journey.id]);
  useAutosave(store, save);

  const [tab, setTab] = useState<Tab>('inspector');
  const [overlayParams, setOverlayParams] = useState<OverlayParams>({ on: false, version: undefined, from: undefined, to: undefined });
  const overlay = useOverlay(store, journey.id, overlayParams);
  const selectedNode = useEditorStore((s) => {
    const sel = s.nodes.filter((n) => n.selected);
    return sel.length === 1 ? (sel[0]?.id ?? null) : null;
  });
  const [focus, setFocus] = useState<FieldFocus | null>(null);
  const problemCount = useEditorStore((s) => s.problems.length);
  const readOnly = useEditorStore((s) => s.readOnly);
  const { fitView, getViewport, screenToFlowPosition } = useReactFlow();

  // choosing a node (on the canvas) shows its form
  useEffect(
    () =>
      store.subscribe((s, prev) => {
        if (s.nodes === prev.nodes) return;
        const now = s.nodes.filter((n) => n.selected).map((n) => n.id).join();
        if (now && now !== prev.nodes.filter((n) => n.selected).map((n) => n.id).join()) setTab((t) => (t === 'problems' || t === 'funnel' ? t : 'inspector'));
      }),
    [store],
  );

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

  const addAtCentre = (kind: NodeKind) => {
    const canvas = document.querySelector('.canvas')?.getBoundingClientRect();
    const p = canvas ? screenToFlowPosition({ x: canvas.left + canvas.width / 2, y: canvas.top + canvas.height / 3 }) : { x: -getViewport().x, y: -getViewport().y };
    store.getState().addNode(kind, { x: Math.round(p.x - 120), y: Math.round(p.y) });
  };

  const tabs: { id: Tab; label: string; badge?: number }[] = [
    { id: 'inspector', label: 'Inspector' },
    ...(overlayParams.on ? [{ id: 'funnel' as const, label: 'Funnel' }] : []),
    { id: 'settings', label: 'Journey settings' },
    { id: 'problems', label: 'Problems', badge: problemCount },
    { id: 'versions', label: 'Versions', badge: journey.versions.length },
  ];
  return (
    <>
      <JourneyHeader journey={journey} save={save} onShowProblems={() => setTab('problems')} />
      <OverlayControls
        params={overlayParams}
        onChange={(p) => {
          setOverlayParams(p);
          if (p.on && !overlayParams.on) setTab('funnel');
          if (!p.on && tab === 'funnel') setTab('inspector');
        }}
        versions={journey.versions.map((v) => v.version).sort((a, b) => a - b)}
        fetching={overlay.fetching}
        error={overlay.error?.message ?? null}
      />
      <div className="journey__body">
        <Palette onAdd={addAtCentre} disabled={readOnly} />
        <JourneyCanvas />
        <aside className="sidebar" aria-label="Journey details">
          <div role="tablist" aria-label="Panels" className="tabs">
            {tabs.map((t) => (
              <button key={t.id} type="button" role="tab" id={`tab-${t.id}`} aria-selected={tab === t.id} aria-controls={`panel-${t.id}`} className="tabs__tab" onClick={() => setTab(t.id)}>
                {t.label}
                {t.badge !== undefined && <span className={`count${t.id === 'problems' && t.badge ? ' count--bad' : ''}`}>{t.badge}</span>}
              </button>
            ))}
          </div>
          <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`} className="sidebar__body">
            {tab === 'inspector' && <Inspector focus={focus} />}
            {tab === 'funnel' &&
              (selectedNode ? <FunnelPanel journeyId={journey.id} nodeId={selectedNode} params={overlayParams} /> : <SummaryPanel journeyId={journey.id} params={overlayParams} />)}
            {tab === 'settings' && <SettingsPanel />}
            {tab === 'problems' && <ProblemsPanel onFocus={focusProblem} />}
            {tab === 'versions' && <VersionsPanel journey={journey} />}
          </div>
        </aside>
      </div>
    </>
  );
}
