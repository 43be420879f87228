import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useShallow } from 'zustand/react/shallow';
import { Cable, Trash2 } from 'lucide-react';
import { nodeKinds } from '../../shared/journey/registry';
import type { Located } from '../../shared/journey/errors';
import { useEditorStore } from '../store/editorContext';
import { fieldProblems } from '../store/slices/problemsSlice';
import { parseNodeConfig } from '../mapping/ports';
import { paletteIcon } from '../canvas/icons';
import { sampleTraits } from '../templates/sampleContact';
import { useTRPC } from '../trpc';
import { SchemaForm } from './SchemaForm';
import { kindSchema } from './jsonSchema';
import { inspectorWidgets, Suggestions } from './widgets';
import { useCatalogue } from './catalogue';
import { SendTestButton } from './SendTest';
import { useT } from '../i18n/useT';
import { useErrorText } from '../i18n/serverText';
import { useProblemText } from '../i18n/problemText';
import { useNodeTitle } from '../i18n/useNodeTitle';
import { useNodeName } from '../store/useNodeName';

/** Where the problems panel asked the inspector to look: a field inside the selected node or the settings. */
export interface FieldFocus {
  nodeId: string | null;
  field: string;
  /** bumped on every request, so asking twice for one field scrolls twice */
  seq: number;
}

/**
 * The selected node's form, generated from its kind's schema in the registry.
 * Changes go straight to the editor store; the live compiler's errors come
 * back beside the field they name.
 */
export function Inspector({ focus }: { focus: FieldFocus | null }) {
  const selected = useEditorStore(useShallow((s) => s.nodes.filter((n) => n.selected).map((n) => n.id)));
  const deleteSelection = useEditorStore((s) => s.deleteSelection);
  const readOnly = useEditorStore((s) => s.readOnly);
  const t = useT();
  if (selected.length === 0)
    return (
      <section className="panel" aria-label={t('inspector.label')}>
        <p className="panel__empty muted">{t('inspector.empty')}</p>
      </section>
    );
  if (selected.length > 1)
    return (
      <section className="panel" aria-label={t('inspector.label')}>
        <p>{t('inspector.selected', { n: selected.length })}</p>
        <button type="button" className="btn" disabled={readOnly} onClick={deleteSelection}>
          <Trash2 size={14} aria-hidden /> {t('inspector.deleteNodes', { n: selected.length })}
        </button>
      </section>
    );
  return <NodeInspector key={selected[0]} nodeId={selected[0] as string} focus={focus} />;
}

function NodeInspector({ nodeId, focus }: { nodeId: string; focus: FieldFocus | null }) {
  const t = useT();
  const nodeTitle = useNodeTitle();
  const problemText = useProblemText(useNodeName());
  // the node's data, not the node: dragging it makes a new node object every frame, and the form need not follow
  const data = useEditorStore((s) => s.nodes.find((n) => n.id === nodeId)?.data);
  const problems = useEditorStore((s) => s.problems);
  const readOnly = useEditorStore((s) => s.readOnly);
  const updateConfig = useEditorStore((s) => s.updateConfig);
  const updateTitle = useEditorStore((s) => s.updateTitle);
  const deleteSelection = useEditorStore((s) => s.deleteSelection);
  const endFieldEdit = useEditorStore((s) => s.endFieldEdit);
  const openConnect = useEditorStore((s) => s.openConnect);
  const hasPorts = useMemo(() => {
    const parsed = data ? parseNodeConfig(data.kind, data.config) : null;
    return parsed?.ok === true && parsed.ports.length > 0;
  }, [data]);
  const titleId = useId();
  const root = useRef<HTMLElement>(null);
  // each error worded in the reader's language, the short form beside its field
  const errors = useMemo(
    () =>
      fieldProblems(
        problems.map((p) => ({ ...p, detail: problemText(p, 'detail') })),
        nodeId,
        'config',
      ),
    [problems, nodeId, problemText],
  );
  const nodeLevel = useMemo(() => problems.filter((p: Located) => p.nodeId === nodeId && !p.field?.startsWith('config')), [problems, nodeId]);

  useEffect(() => {
    if (!focus || focus.nodeId !== nodeId) return;
    const path = focus.field.replace(/^config\.?/, '');
    const el = root.current?.querySelector<HTMLElement>(`[data-path="${CSS.escape(path)}"]`) ?? root.current;
    el?.scrollIntoView({ block: 'center' });
    el?.querySelector<HTMLElement>('input, select, textarea')?.focus();
    el?.classList.add('sf--flash');
    const t = setTimeout(() => el?.classList.remove('sf--flash'), 1200);
    return () => clearTimeout(t);
  }, [focus, nodeId]);

  if (!data) return null;
  const kind = data.kind;
  const def = nodeKinds[kind];
  const Icon = paletteIcon(def.palette.icon);
  return (
    // leaving a field ends its edit: what was typed there is one undo step
    <section className="panel inspector" aria-label={t('inspector.labelOf', { kind: t(def.palette.labelKey) })} ref={root} onBlur={endFieldEdit}>
      <header className="inspector__head">
        <span className={`jn__icon jn__icon--${def.palette.group.toLowerCase()}`} aria-hidden>
          <Icon size={14} />
        </span>
        <div>
          <div className="inspector__kind">{t(def.palette.labelKey)}</div>
          <div className="muted inspector__id">{nodeId}</div>
        </div>
        {hasPorts && (
          <button
            type="button"
            className="iconbtn"
            aria-label={t('inspector.connect', { title: nodeTitle(data) })}
            title={t('inspector.connect.hint')}
            disabled={readOnly}
            onClick={() => openConnect(nodeId)}
          >
            <Cable size={15} aria-hidden />
          </button>
        )}
        <button type="button" className="iconbtn" aria-label={t('inspector.delete', { title: nodeTitle(data) })} disabled={readOnly} onClick={deleteSelection}>
          <Trash2 size={15} aria-hidden />
        </button>
      </header>
      <p className="sf__help">{t(def.palette.descriptionKey)}</p>
      <div className="sf__field" data-path="title">
        <label htmlFor={titleId}>{t('inspector.title')}</label>
        <input id={titleId} type="text" value={data.title ?? ''} placeholder={t(def.palette.labelKey)} maxLength={80} disabled={readOnly} onChange={(e) => updateTitle(nodeId, e.target.value)} />
      </div>
      {nodeLevel.length > 0 && (
        <ul className="sf__errors" role="alert">
          {nodeLevel.map((p, i) => (
            <li key={i}>{problemText(p)}</li>
          ))}
        </ul>
      )}
      <Suggestions />
      <SchemaForm schema={kindSchema(kind)} value={data.config} onChange={(c) => updateConfig(nodeId, c as Record<string, unknown>)} errors={errors} widget={inspectorWidgets} readOnly={readOnly} />
      {kind === 'send' && <TemplatePreview config={data.config} />}
      {kind === 'send' && !readOnly && <SendTestButton nodeId={nodeId} config={data.config} />}
    </section>
  );
}

/** The chosen template rendered with sample traits, one block per variant part, with its length. */
function TemplatePreview({ config }: { config: Record<string, unknown> }) {
  const t = useT();
  const errorText = useErrorText();
  const trpc = useTRPC();
  const { templates } = useCatalogue();
  const parsed = parseNodeConfig('send', config);
  const key = parsed.ok ? String(parsed.config.template ?? '') : '';
  const template = templates.find((x) => x.key === key);
  const [variant, setVariant] = useState<string | undefined>(undefined);
  const v = variant && template?.variants.some((x) => x.key === variant) ? variant : template?.variants[0]?.key;
  // the template page's sample contact, so the copy reads with its variables filled in, as there
  const preview = useQuery({ ...trpc.templates.preview.queryOptions({ key, ...(v ? { variant: v } : {}), traits: sampleTraits }), enabled: Boolean(template) });
  if (!template) return null;
  return (
    <section className="preview" aria-label={t('preview.label')}>
      <div className="preview__bar">
        <span className="preview__title">{t('preview.title')}</span>
        {template.variants.length > 1 && (
          <div role="tablist" aria-label={t('preview.variants')} className="preview__variants">
            {template.variants.map((x) => (
              <button key={x.key} type="button" role="tab" aria-selected={x.key === v} className={`chip${x.key === v ? ' chip--on' : ''}`} onClick={() => setVariant(x.key)}>
                {x.key.toUpperCase()} {x.weight}%
              </button>
            ))}
          </div>
        )}
      </div>
      {preview.isPending && <p className="muted">{t('preview.rendering')}</p>}
      {preview.isError && <p className="sf__errors">{errorText(preview.error)}</p>}
      {preview.data?.variants[0] &&
        Object.entries(preview.data.variants[0].parts).map(([part, text]) => (
          <figure key={part} className="preview__part">
            <figcaption className="muted">{t('preview.part', { part, n: [...text].length })}</figcaption>
            <pre className="preview__text">{text}</pre>
          </figure>
        ))}
      <p className="sf__help">{t('preview.sample')}</p>
      <p className="sf__help">{template.category === 'transactional' ? t('preview.transactional') : t('preview.marketing')}</p>
    </section>
  );
}
