import { useEffect } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useParams } from 'react-router';
import { ReactFlowProvider } from '@xyflow/react';
import { useTRPC, type JourneyDetail } from '../trpc';
import { EditorStoreProvider, useEditorStoreApi } from '../store/editorContext';
import { JourneyCanvas } from '../canvas/JourneyCanvas';
import { ProblemsPanel } from '../panels/ProblemsPanel';
import { VersionsPanel } from '../panels/VersionsPanel';
import { LoadError, Loading } from '../components/QueryState';
import { JourneyHeader } from './JourneyHeader';

/** One journey: header, its draft on the canvas, and the problems that block publishing. */
export function JourneyPage() {
  const { id = '' } = useParams();
  const trpc = useTRPC();
  const journey = useQuery(trpc.journeys.get.queryOptions({ id }));

  if (journey.isPending) return <Loading what="journey" />;
  if (journey.isError) return <LoadError error={journey.error} />;
  const j = journey.data;
  return (
    <main className="journey">
      <JourneyHeader journey={j} />
      <EditorStoreProvider key={j.id} initial={{ graph: j.draft, problems: j.errors }}>
        <ReactFlowProvider>
          <SyncDraft journey={j} />
          <div className="journey__body">
            <JourneyCanvas />
            <aside className="sidebar" aria-label="Journey details">
              <ProblemsPanel />
              <VersionsPanel versions={j.versions} current={j.version} />
            </aside>
          </div>
        </ReactFlowProvider>
      </EditorStoreProvider>
    </main>
  );
}

/**
 * Keeps the store in step with refetched server data (e.g. after publish).
 * Read-only for now; the editor will keep local edits instead of overwriting.
 */
function SyncDraft({ journey }: { journey: JourneyDetail }) {
  const store = useEditorStoreApi();
  useEffect(() => {
    const s = store.getState();
    if (s.loadedFrom !== journey.draft) s.loadGraph(journey.draft);
    s.setProblems(journey.errors);
  }, [store, journey.draft, journey.errors]);
  return null;
}
