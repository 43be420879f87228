import { useT } from '../i18n/useT';
import { useErrorText } from '../i18n/serverText';
import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useParams } from 'react-router';
import { ReactFlowProvider } from '@xyflow/react';
import { ArrowLeft, History } from 'lucide-react';
import { useTRPC, type JourneyDetail, type RouterOutputs } from '../trpc';
import { EditorStoreProvider } from '../store/editorContext';
import { CatalogueContext } from '../inspector/catalogue';
import { LoadError, Loading } from '../components/QueryState';
import { RelativeTime } from '../components/RelativeTime';
import { StatusBadge } from '../components/StatusBadge';
import { useAuth } from '../auth/AuthContext';
import { EditorBody, editorTabs, useEditorLayout } from './EditorLayout';
import { useJourneyCatalogue } from './JourneyPage';

type PublishedVersion = RouterOutputs['journeys']['version'];

/**
 * One published version of a journey, read-only: its graph on the canvas,
 * its nodes in the inspector, its settings. An operator can take it back as
 * the draft ("Restore as draft"), which replaces the draft and opens it;
 * nothing goes live until the draft is published.
 */
export function VersionPage() {
  const { id = '', version = '' } = useParams();
  const v = Number(version);
  const trpc = useTRPC();
  const journey = useQuery(trpc.journeys.get.queryOptions({ id }));
  const published = useQuery({ ...trpc.journeys.version.queryOptions({ id, version: v }), enabled: Number.isInteger(v) && v >= 1 });
  const { catalogue } = useJourneyCatalogue();
  const t = useT();

  if (!Number.isInteger(v) || v < 1) return <LoadError error={{ message: t('version.notANumber', { version: version ?? '' }) }} />;
  if (journey.isPending || published.isPending) return <Loading what={t('version.loading', { version: v })} />;
  if (journey.isError) return <LoadError error={journey.error} />;
  if (published.isError) return <LoadError error={published.error} />;
  return (
    <main className="journey">
      <CatalogueContext.Provider value={catalogue}>
        <EditorStoreProvider key={`${id}@${v}`} initial={{ graph: published.data.graph, problems: published.data.errors, readOnly: true }}>
          <ReactFlowProvider>
            <VersionHeader journey={journey.data} published={published.data} />
            <VersionBody problems={published.data.errors.length} />
          </ReactFlowProvider>
        </EditorStoreProvider>
      </CatalogueContext.Provider>
    </main>
  );
}

/** Palette (disabled), canvas and sidebar, all read-only; problems are what this version's graph has against today's templates and segments. */
function VersionBody({ problems }: { problems: number }) {
  const { tab, setTab, focus, focusProblem, addAtCentre } = useEditorLayout();
  return <EditorBody tabs={editorTabs({ problems })} tab={tab} onTab={setTab} focus={focus} onFocusProblem={focusProblem} onAdd={addAtCentre} />;
}

function VersionHeader({ journey, published }: { journey: JourneyDetail; published: PublishedVersion }) {
  const t = useT();
  const errorText = useErrorText();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const operates = useAuth().can('operator');
  const [confirming, setConfirming] = useState(false);
  const restore = useMutation(
    trpc.journeys.restoreVersion.mutationOptions({
      onSuccess: async ({ restored }) => {
        // the journey page builds its editor from this query once: it must hold the restored draft, not a cached one
        await qc.query({ ...trpc.journeys.get.queryOptions({ id: journey.id }), staleTime: 0 });
        await qc.invalidateQueries({ queryKey: trpc.journeys.list.queryKey() });
        void navigate(`/journeys/${encodeURIComponent(journey.id)}`, { state: { restored } });
      },
    }),
  );
  const current = journey.version === published.version;
  const archived = journey.status === 'archived';

  return (
    <header className="jheader">
      <div className="jheader__row">
        <Link to={`/journeys/${encodeURIComponent(journey.id)}`} className="jheader__back" aria-label={t('version.back')}>
          <ArrowLeft size={18} aria-hidden />
        </Link>
        <div className="jheader__titles">
          <div className="jheader__line">
            <h1>
              {journey.name} · v{published.version}
            </h1>
            <StatusBadge status={journey.status} error={journey.error} />
            <span className="jheader__version">{current ? t('version.current') : journey.version === null ? t('version.runningNone') : t('version.running', { version: journey.version })}</span>
          </div>
          <div className="jheader__meta muted">
            <span>
              {t('version.published')} <RelativeTime ms={published.publishedAt} /> {t('version.by', { who: published.publishedBy })}
            </span>
          </div>
        </div>
        <div className="jheader__actions">
          {operates && !archived && (
            <button type="button" className="btn btn--primary" disabled={restore.isPending} onClick={() => setConfirming(true)}>
              <History size={15} aria-hidden /> {t('version.restore')}
            </button>
          )}
        </div>
      </div>
      <div className="banner" role="status">
        {t('version.readOnly', { version: published.version })} {operates && !archived ? t('version.readOnly.restore') : ''}
      </div>
      {confirming && (
        <div className="banner" role="alertdialog" aria-label={t('version.restore.label', { version: published.version })}>
          {t('version.restore.confirm', { name: journey.name, version: published.version })}
          <div className="banner__actions">
            <button type="button" className="btn btn--primary" disabled={restore.isPending} onClick={() => restore.mutate({ id: journey.id, version: published.version })}>
              {t('version.restore.submit')}
            </button>
            <button type="button" className="btn" onClick={() => setConfirming(false)}>
              {t('common.cancel')}
            </button>
          </div>
        </div>
      )}
      {restore.error && (
        <div className="banner banner--error" role="alert">
          {errorText(restore.error)}
        </div>
      )}
    </header>
  );
}
