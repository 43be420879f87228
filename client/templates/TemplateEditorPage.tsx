import { useT } from '../i18n/useT';
import { useErrorText } from '../i18n/serverText';
import { channelMessages } from '../i18n/registryMessages';
import { useEffect, useMemo, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useBlocker, useNavigate, useParams, useSearchParams } from 'react-router';
import { ArrowLeft, Save } from 'lucide-react';
import { Channel } from '../../shared/journey/channels';
import { TemplateDraft } from '../../shared/templates/draft';
import { templateParts, locales } from '../../shared/templates/meta';
import { checkTemplate } from '../../shared/templates/checks';
import { useTRPC, type RouterOutputs } from '../trpc';
import { useAuth } from '../auth/AuthContext';
import { approvalPath, requestOf } from '../approvals/approvalLabels';
import { LoadError, Loading } from '../components/QueryState';
import { RelativeTime } from '../components/RelativeTime';
import { VariantsEditor } from './VariantsEditor';
import { PreviewPanel } from './PreviewPanel';
import { withDefaultLocale, withLocale } from './localeCopy';
import { draftProblems } from './draftProblems';
import { StatsPanel } from './StatsPanel';
import { LocaleStats } from './LocaleStats';

type Stored = RouterOutputs['templates']['get'];
type SaveResult = RouterOutputs['templates']['save'];

const fromStored = (t: Stored): TemplateDraft => ({
  key: t.key,
  channel: t.channel,
  name: t.name,
  description: t.description,
  category: t.category,
  locale: t.locale as TemplateDraft['locale'],
  locales: t.locales as TemplateDraft['locales'],
  // every language's copy comes along: a save writes the whole template, so what is left out here would be lost
  variants: t.variants.map((v) => ({ key: v.key, name: v.name, weight: v.weight, parts: { ...v.parts }, ...(v.locales ? { locales: structuredClone(v.locales) } : {}) })),
});

const blank = (channel: Channel): TemplateDraft => ({
  key: '',
  channel,
  name: '',
  description: '',
  category: 'marketing',
  locale: 'zh-CN',
  variants: [{ key: 'a', name: 'Variant A', weight: 100, parts: Object.fromEntries(templateParts[channel].map((p) => [p, ''])) }],
});

/** One template: edit it (or write a new one), preview it live, and read how its variants do. */
export function TemplateEditorPage() {
  const t = useT();
  const { key = '' } = useParams();
  const [params] = useSearchParams();
  const trpc = useTRPC();
  const isNew = key === 'new';
  const stored = useQuery({ ...trpc.templates.get.queryOptions({ key }), enabled: !isNew });
  const known = useQuery(trpc.templates.knownVariables.queryOptions());
  const channel = Channel.safeParse(params.get('channel'));
  // the editor remounts on the version a save creates, which would drop its "Saved as vN" banner: keep the result here
  const [lastSave, setLastSave] = useState<{ key: string; result: SaveResult } | null>(null);
  const onSaved = (k: string, result: SaveResult) => setLastSave({ key: k, result });

  if (isNew)
    return channel.success ? (
      <Editor initial={blank(channel.data)} known={known.data ?? []} stored={null} lastSave={null} onSaved={onSaved} />
    ) : (
      <LoadError error={{ message: t('tedit.chooseChannel') }} />
    );
  if (stored.isPending) return <Loading what={t('tedit.loading')} />;
  if (stored.isError) return <LoadError error={stored.error} />;
  return (
    <Editor
      key={`${stored.data.key}:${stored.data.version}`}
      initial={fromStored(stored.data)}
      known={stored.data.knownVariables}
      stored={stored.data}
      lastSave={lastSave?.key === stored.data.key ? lastSave.result : null}
      onSaved={onSaved}
    />
  );
}

function Editor({
  initial,
  known,
  stored,
  lastSave,
  onSaved,
}: {
  initial: TemplateDraft;
  known: string[];
  stored: Stored | null;
  lastSave: SaveResult | null;
  onSaved: (key: string, result: SaveResult) => void;
}) {
  const t = useT();
  const errorText = useErrorText();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [draft, setDraft] = useState<TemplateDraft>(initial);
  // editing templates is the copywriter's: everyone else reads (the server refuses their save)
  const auth = useAuth();
  const writes = auth.can('copywriter');
  // transactional escapes the caps: only an admin marks a template so (the server refuses anyone else)
  const marksTransactional = auth.can('admin') || stored?.category === 'transactional';
  // a template a live journey uses may answer a save with an approval request: the version comes when it is approved
  const [sent, setSent] = useState<{ id: string; draft: string } | null>(null);
  const dirty = JSON.stringify(draft) !== JSON.stringify(initial);
  const parsed = TemplateDraft.safeParse(draft);
  // a new template's empty form is not a mistake yet: its problems show from the first edit, by the fields' names
  const shape = draftProblems(t, draft, parsed.success ? [] : parsed.error.issues, dirty);
  // the same static checks the server runs on save, as you type
  // the workspace's tracked-link allow-list: the editor flags the links the server's check refuses
  const linkHosts = useQuery(trpc.workspace.get.queryOptions()).data?.linkHosts.effective;
  const issues = useMemo(() => checkTemplate({ channel: draft.channel, category: draft.category, variants: draft.variants, knownVariables: known, linkHosts }), [draft, known, linkHosts]);
  const errors = issues.filter((i) => i.severity === 'error').length + shape.length;
  const save = useMutation(
    trpc.templates.save.mutationOptions({
      onSuccess: async (result, { draft: saved }) => {
        const request = requestOf(result);
        setSent(request ? { id: request.id, draft: JSON.stringify(saved) } : null);
        onSaved(draft.key, result);
        // stats too: their rows are the current version's variants
        await Promise.all([
          qc.invalidateQueries({ queryKey: trpc.templates.list.queryKey() }),
          qc.invalidateQueries({ queryKey: trpc.templates.get.queryKey({ key: draft.key }) }),
          qc.invalidateQueries({ queryKey: trpc.templates.stats.queryKey() }),
          qc.invalidateQueries({ queryKey: trpc.approvals.pathKey() }),
        ]);
        if (!stored) void navigate(`/templates/${encodeURIComponent(draft.key)}`, { replace: true });
      },
    }),
  );
  // leaving for another page of the app with unsaved edits asks first, as closing the tab does
  const leaving = useBlocker(({ currentLocation, nextLocation }) => dirty && !save.isPending && !save.isSuccess && currentLocation.pathname !== nextLocation.pathname);
  useEffect(() => {
    const warn = (e: BeforeUnloadEvent) => dirty && e.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [dirty]);
  const set = (patch: Partial<TemplateDraft>) => setDraft((d) => ({ ...d, ...patch }));
  const saved = save.data ?? lastSave;
  // the request still matches what is on screen (typing on makes it a new change)
  const awaiting = sent && parsed.success && sent.draft === JSON.stringify(parsed.data) ? sent.id : null;

  return (
    <main className="page page--wide tedit">
      <header className="tedit__header">
        <Link to="/templates" className="jheader__back" aria-label={t('tedit.back')}>
          <ArrowLeft size={18} aria-hidden />
        </Link>
        <div className="tedit__titles">
          <h1>{stored ? stored.name : t('templates.new')}</h1>
          <div className="muted">
            {t(channelMessages[draft.channel])} ·{' '}
            {stored ? (
              <>
                {t('tedit.savedAt', { version: stored.version })} <RelativeTime ms={stored.updatedAt} /> {t('approvals.by', { who: stored.updatedBy })}
              </>
            ) : (
              t('tedit.notSaved')
            )}
            {dirty && <strong className="tedit__dirty">{awaiting ? ` · ${t('tedit.awaiting')}` : ` · ${t('header.unsaved')}`}</strong>}
          </div>
        </div>
        <span className={`count${errors ? ' count--bad' : ''}`} aria-label={t('tedit.errors', { n: errors })}>
          {t('tedit.errors', { n: errors })}
        </span>
        {writes && (
          <button
            type="button"
            className="btn btn--primary"
            disabled={!dirty || errors > 0 || !parsed.success || save.isPending || Boolean(awaiting)}
            onClick={() => parsed.success && save.mutate({ draft: parsed.data })}
          >
            <Save size={15} aria-hidden /> {save.isPending ? t('header.saving') : t('tedit.save')}
          </button>
        )}
      </header>
      {leaving.state === 'blocked' && (
        <div className="banner banner--error" role="alertdialog" aria-label={t('header.unsaved')}>
          <strong>{t('tedit.unsaved')}</strong> {t('tedit.leave.question')}{' '}
          <button type="button" className="btn btn--small" onClick={() => leaving.reset()}>
            {t('tedit.stay')}
          </button>{' '}
          <button type="button" className="btn btn--small" onClick={() => leaving.proceed()}>
            {t('tedit.leave')}
          </button>
        </div>
      )}
      {save.isError && (
        <div className="banner banner--error" role="alert">
          <strong>{t('tedit.notSavedBang')}</strong> {errorText(save.error)}
        </div>
      )}
      {!writes && (
        <div className="banner" role="status">
          {t('tedit.readOnly')}
        </div>
      )}
      {awaiting && (
        <div className="banner banner--ok" role="status">
          {t('tedit.sentForApproval')} <Link to={approvalPath(awaiting)}>{t('publish.requested.link')}</Link>
        </div>
      )}
      {saved && !dirty && !requestOf(saved) && (
        <div className="banner banner--ok" role="status">
          {saved.created && saved.version !== null ? t('tedit.savedAs', { version: saved.version }) : t('tedit.nothingChanged')}
          {saved.warnings.length > 0 && ` ${t('tedit.warnings', { n: saved.warnings.length })}`}
        </div>
      )}
      <div className="tedit__body">
        <fieldset className="tedit__main" disabled={!writes}>
          <section className="card tmeta" aria-label={t('field.template')}>
            <label>
              {t('tedit.key')}
              <input type="text" value={draft.key} disabled={Boolean(stored)} placeholder={t('tedit.key.placeholder')} onChange={(e) => set({ key: e.target.value.trim() })} />
            </label>
            <label>
              {t('journeys.col.name')}
              <input type="text" value={draft.name} onChange={(e) => set({ name: e.target.value })} />
            </label>
            <label>
              {t('templates.category')}
              <select value={draft.category} onChange={(e) => set({ category: e.target.value as TemplateDraft['category'] })}>
                <option value="marketing">{t('tedit.marketing')}</option>
                <option value="transactional" disabled={!marksTransactional}>
                  {t('tedit.transactional')}
                  {marksTransactional ? '' : ` · ${t('tedit.adminOnly')}`}
                </option>
              </select>
            </label>
            <label>
              {t('locale.switcher')}
              <select value={draft.locale} onChange={(e) => setDraft((d) => withDefaultLocale(d, e.target.value as TemplateDraft['locale']))}>
                {locales.map((l) => (
                  <option key={l}>{l}</option>
                ))}
              </select>
            </label>
            <fieldset className="tmeta__languages">
              <legend>{t('tedit.alsoIn')}</legend>
              {locales
                .filter((l) => l !== draft.locale)
                .map((l) => (
                  <label key={l} className="tmeta__language">
                    <input type="checkbox" checked={(draft.locales ?? []).includes(l)} onChange={(e) => setDraft((d) => withLocale(d, l, e.target.checked))} />
                    {l}
                  </label>
                ))}
            </fieldset>
            <label className="tmeta__wide">
              {t('details.description')}
              <input type="text" value={draft.description} onChange={(e) => set({ description: e.target.value })} />
            </label>
            {shape.length > 0 && (
              <ul className="issues tmeta__wide" aria-label={t('tedit.problems')}>
                {shape.map((m, i) => (
                  <li key={i} className="issue issue--error">
                    {m}
                  </li>
                ))}
              </ul>
            )}
            <p className="sf__help tmeta__wide">
              {t('tedit.helpers')} <code>{'{{link "https://…"}}'}</code> {t('tedit.helpers.link')}, <code>{'{{money limit}}'}</code>, <code>{'{{date due_at}}'}</code> {t('tedit.helpers.date')},{' '}
              <code>{'{{default name "您好"}}'}</code>. {t('tedit.knownTraits')} {known.slice(0, 16).join(', ')}
              {known.length > 16 ? '…' : ''}
            </p>
          </section>
          <VariantsEditor draft={draft} issues={issues} onChange={(variants) => set({ variants })} />
        </fieldset>
        <div className="tedit__side">
          <PreviewPanel draft={draft} />
          {stored && <StatsPanel templateKey={stored.key} />}
          {stored && <LocaleStats templateKey={stored.key} />}
          {stored && (
            <section className="card" aria-label={t('editor.tab.versions')}>
              <h2>{t('editor.tab.versions')}</h2>
              <ul className="versions">
                {stored.versions.map((v) => (
                  <li key={v.version} className="version">
                    <div className="version__head">
                      <span className="version__num">v{v.version}</span>
                      <span className="muted">
                        <RelativeTime ms={v.createdAt} /> · {v.createdBy}
                      </span>
                    </div>
                    <div className="version__summary">
                      {v.variants.map((x) => `${x.key.toUpperCase()} ${x.weight}%`).join(' · ')}
                      {v.note && <span className="muted"> · {v.note}</span>}
                    </div>
                  </li>
                ))}
              </ul>
            </section>
          )}
        </div>
      </div>
    </main>
  );
}
