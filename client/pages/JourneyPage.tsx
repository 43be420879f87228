import { useCallback, useEffect, useMemo, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useLocation, useNavigate, useParams } from 'react-router';
import { ReactFlowProvider } from '@xyflow/react';
import { useTRPC, useTRPCClient, type JourneyDetail } from '../trpc';
import { EditorStoreProvider, useEditorStore, useEditorStoreApi } from '../store/editorContext';
import { useLiveValidation } from '../store/useLiveValidation';
import { useAutosave, type SaveDraft } from '../store/useAutosave';
import { VersionsPanel } from '../panels/VersionsPanel';
import { CatalogueContext, emptyCatalogue, knownEvents, knownTraits, refsOf, type Catalogue } from '../inspector/catalogue';
import { LoadError, Loading } from '../components/QueryState';
import { useT } from '../i18n/useT';
import { useErrorText } from '../i18n/serverText';
import { useAuth } from '../auth/AuthContext';
import { JourneyHeader } from './JourneyHeader';
import { EditorBody, editorTabs, useEditorLayout } from './EditorLayout';
import { OverlayControls } from '../analytics/OverlayControls';
import { FunnelPanel } from '../analytics/FunnelPanel';
import { SummaryPanel } from '../analytics/SummaryPanel';
import { useOverlay, type OverlayParams } from '../analytics/useOverlay';
import { BacktestControls } from '../backtest/BacktestControls';
import { useBacktest } from '../backtest/useBacktest';
import { JourneyContext } from '../trace/journeyContext';
import { TraceButton } from '../trace/TraceDialog';

/** The templates and segments the inspector offers (and the live compile checks), once both have loaded. */
export function useJourneyCatalogue(): { catalogue: Catalogue; loaded: boolean } {
  const trpc = useTRPC();
  const templates = useQuery(trpc.templates.list.queryOptions());
  const segments = useQuery(trpc.segments.list.queryOptions());
  const loaded = templates.isSuccess && segments.isSuccess;
  const catalogue = useMemo<Catalogue>(
    () =>
      loaded
        ? {
            templates: templates.data.map((t) => ({ key: t.key, channel: t.channel, name: t.name, category: t.category, variants: t.variants })),
            segments: segments.data.map((s) => ({ key: s.key, name: s.name, description: s.description, rules: s.rules })),
            events: knownEvents,
            traits: knownTraits,
          }
        : emptyCatalogue,
    [loaded, templates.data, segments.data],
  );
  return { catalogue, loaded };
}

/** One journey: header, palette, the canvas editing its draft, and the inspector, settings, problems and versions beside it. */
export function JourneyPage() {
  const { id = '' } = useParams();
  const trpc = useTRPC();
  const journey = useQuery(trpc.journeys.get.queryOptions({ id }));
  // only operators edit journeys and segments: for everyone else the canvas is read-only, and nothing autosaves
  const operates = useAuth().can('operator');
  const { catalogue, loaded } = useJourneyCatalogue();
  const t = useT();

  if (journey.isPending) return <Loading what={t('journey.loading')} />;
  if (journey.isError) return <LoadError error={journey.error} />;
  const j = journey.data;
  return (
    <main className="journey">
      <CatalogueContext.Provider value={catalogue}>
        <EditorStoreProvider key={j.id} initial={{ graph: j.draft, problems: j.errors, readOnly: j.status === 'archived' || !operates }}>
          <ReactFlowProvider>
            <JourneyContext.Provider value={{ journeyId: j.id }}>
              <Editor journey={j} catalogue={catalogue} catalogueLoaded={loaded} />
            </JourneyContext.Provider>
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

  const { tab, setTab, focus, focusProblem, addAtCentre } = useEditorLayout();
  const [overlayParams, setOverlayParams] = useState<OverlayParams>({ on: false, version: undefined, from: undefined, to: undefined });
  const overlay = useOverlay(store, journey.id, overlayParams);
  // after useOverlay: both draw the canvas overlay, and effects run in call order
  const backtest = useBacktest(store, journey.id, overlayParams.on);
  const runsBacktests = useAuth().can('operator') && journey.status !== 'archived';
  const selectedNode = useEditorStore((s) => {
    const sel = s.nodes.filter((n) => n.selected);
    return sel.length === 1 ? (sel[0]?.id ?? null) : null;
  });
  const problemCount = useEditorStore((s) => s.problems.length);
  // arriving from "Restore as draft" on a version's page: say what the canvas now shows (once: a reload keeps history state)
  const location = useLocation();
  const navigate = useNavigate();
  const restored = (location.state as { restored?: number } | null)?.restored;
  const t = useT();
  const errorText = useErrorText();
  useEffect(() => {
    if (restored === undefined) return;
    store.getState().showNotice(t('journey.restored', { version: restored }), 'done');
    void navigate(location.pathname, { replace: true, state: null });
  }, [store, restored, navigate, location.pathname, t]);

  // choosing a node (on the canvas) shows its form
  useEffect(
    () =>
      store.subscribe((s, prev) => {
        if (s.nodes === prev.nodes) return;
        const now = s.nodes
          .filter((n) => n.selected)
          .map((n) => n.id)
          .join();
        if (
          now &&
          now !==
            prev.nodes
              .filter((n) => n.selected)
              .map((n) => n.id)
              .join()
        )
          setTab((t) => (t === 'problems' || t === 'funnel' ? t : 'inspector'));
      }),
    [store, setTab],
  );

  const tabs = editorTabs({ problems: problemCount, funnel: overlayParams.on, versions: journey.versions.length });
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
        error={overlay.error ? errorText(overlay.error) : null}
      />
      <BacktestControls
        backtest={backtest}
        canRun={runsBacktests}
        onShow={() => {
          setOverlayParams((p) => ({ ...p, on: false }));
          if (tab === 'funnel') setTab('inspector');
        }}
      >
        {runsBacktests && <TraceButton journeyId={journey.id} />}
      </BacktestControls>
      <EditorBody tabs={tabs} tab={tab} onTab={setTab} focus={focus} onFocusProblem={focusProblem} onAdd={addAtCentre}>
        {tab === 'funnel' && (selectedNode ? <FunnelPanel journeyId={journey.id} nodeId={selectedNode} params={overlayParams} /> : <SummaryPanel journeyId={journey.id} params={overlayParams} />)}
        {tab === 'versions' && <VersionsPanel journey={journey} />}
      </EditorBody>
    </>
  );
}
