import { useT } from '../i18n/useT';
import { ArrowDown, ArrowUp, Plus, X } from 'lucide-react';
import { templateParts } from '../../shared/templates/meta';
import type { TemplateDraft } from '../../shared/templates/draft';
import type { TemplateIssue } from '../../shared/templates/checks';
import { templateIssueText } from './issueText';
import { partText } from './partText';

type Variant = TemplateDraft['variants'][number];

/** The next unused variant key: b, c, d … */
export function nextVariantKey(variants: readonly Variant[]): string {
  for (const k of 'abcdefghijklmnopqrstuvwxyz') if (!variants.some((v) => v.key === k)) return k;
  return `v${variants.length + 1}`;
}

/**
 * Variants side by side with their weights and copy: add, remove, reorder,
 * and see at once whether the weights sum to 100. A new variant starts as a
 * copy of the last one, so writing B means editing A's words.
 */
export function VariantsEditor({ draft, onChange, issues }: { draft: TemplateDraft; onChange: (variants: Variant[]) => void; issues: readonly TemplateIssue[] }) {
  const t = useT();
  const partLabel = (p: string): string => partText(t, p);
  const parts: readonly string[] = templateParts[draft.channel];
  // the template's own language first, then the others it has copy in, side by side
  const languages = [draft.locale, ...(draft.locales ?? [])];
  const total = draft.variants.reduce((s, v) => s + (Number.isFinite(v.weight) ? v.weight : 0), 0);
  const set = (i: number, patch: Partial<Variant>) => onChange(draft.variants.map((v, j) => (j === i ? { ...v, ...patch } : v)));
  const move = (i: number, to: number) => {
    const next = [...draft.variants];
    const [v] = next.splice(i, 1);
    if (v) next.splice(to, 0, v);
    onChange(next);
  };
  const add = () => {
    const last = draft.variants[draft.variants.length - 1];
    const key = nextVariantKey(draft.variants);
    const blank = () => Object.fromEntries(parts.map((p) => [p, '']));
    const locales = Object.fromEntries((draft.locales ?? []).map((l) => [l, { ...(last?.locales?.[l] ?? blank()) }]));
    onChange([
      ...draft.variants,
      { key, name: t('variants.defaultName', { key: key.toUpperCase() }), weight: 0, parts: last ? { ...last.parts } : blank(), ...(draft.locales?.length ? { locales } : {}) },
    ]);
  };

  return (
    <section className="card variants" aria-label={t('preview.variants')}>
      <div className="variants__head">
        <h2>{t('preview.variants')}</h2>
        <span className={`weights${Math.abs(total - 100) < 1e-9 ? '' : ' weights--bad'}`} role="status">
          {t('variants.sum', { total: Math.round(total * 100) / 100 })} {Math.abs(total - 100) < 1e-9 ? '✓' : t('variants.must')}
        </span>
        <button type="button" className="btn btn--small" onClick={add} disabled={draft.variants.length >= 10}>
          <Plus size={13} aria-hidden /> {t('variants.add')}
        </button>
      </div>
      <div className="variants__list">
        {draft.variants.map((v, i) => {
          const mine = issues.filter((x) => x.variant === v.key);
          return (
            <article key={i} className="variant" aria-label={t('variants.variant', { key: v.key.toUpperCase() })}>
              <div className="variant__bar">
                <label>
                  {t('tedit.key')}
                  <input type="text" value={v.key} size={6} onChange={(e) => set(i, { key: e.target.value.trim().toLowerCase() })} aria-label={t('variants.keyOf', { n: i + 1 })} />
                </label>
                <label className="variant__name">
                  {t('journeys.col.name')}
                  <input type="text" value={v.name} onChange={(e) => set(i, { name: e.target.value })} aria-label={t('variants.nameOf', { key: v.key.toUpperCase() })} />
                </label>
                <label>
                  {t('field.weight')}
                  <input
                    type="number"
                    min={0}
                    max={100}
                    value={Number.isFinite(v.weight) ? v.weight : ''}
                    onChange={(e) => set(i, { weight: e.target.valueAsNumber })}
                    aria-label={t('variants.weightOf', { key: v.key.toUpperCase() })}
                  />
                </label>
                <span className="variant__tools">
                  <button type="button" className="iconbtn" aria-label={t('variants.up', { key: v.key.toUpperCase() })} disabled={i === 0} onClick={() => move(i, i - 1)}>
                    <ArrowUp size={14} aria-hidden />
                  </button>
                  <button type="button" className="iconbtn" aria-label={t('variants.down', { key: v.key.toUpperCase() })} disabled={i === draft.variants.length - 1} onClick={() => move(i, i + 1)}>
                    <ArrowDown size={14} aria-hidden />
                  </button>
                  <button
                    type="button"
                    className="iconbtn"
                    aria-label={t('variants.remove', { key: v.key.toUpperCase() })}
                    disabled={draft.variants.length === 1}
                    onClick={() => onChange(draft.variants.filter((_, j) => j !== i))}
                  >
                    <X size={14} aria-hidden />
                  </button>
                </span>
              </div>
              <div className="variant__languages">
                {languages.map((l) => {
                  const copy = l === draft.locale ? v.parts : (v.locales?.[l] ?? {});
                  const setCopy = (p: string, text: string) => set(i, l === draft.locale ? { parts: { ...v.parts, [p]: text } } : { locales: { ...v.locales, [l]: { ...copy, [p]: text } } });
                  const inLanguage = languages.length > 1 ? t('variants.inLanguage', { locale: l }) : '';
                  return (
                    <div key={l} className="variant__language" lang={l}>
                      {languages.length > 1 && <h3 className="variant__locale">{l === draft.locale ? t('variants.defaultLocale', { locale: l }) : l}</h3>}
                      {parts.map((p) => (
                        <label key={p} className="variant__part">
                          {partLabel(p)}
                          <textarea
                            value={copy[p] ?? ''}
                            rows={p === 'title' || p === 'subject' ? 1 : p === 'html' || p === 'json' ? 8 : 4}
                            spellCheck={false}
                            aria-label={t('variants.partOf', { part: partLabel(p), key: v.key.toUpperCase() }) + inLanguage}
                            aria-invalid={mine.some((x) => x.part === p && (x.locale ?? draft.locale) === l && x.severity === 'error') || undefined}
                            onChange={(e) => setCopy(p, e.target.value)}
                          />
                        </label>
                      ))}
                    </div>
                  );
                })}
              </div>
              {mine.length > 0 && (
                <ul className="issues" aria-label={t('variants.checksOf', { key: v.key.toUpperCase() })}>
                  {mine.map((x, k) => (
                    <li key={k} className={`issue issue--${x.severity}`}>
                      <strong>{x.severity === 'error' ? t('variants.error') : t('variants.warning')}</strong> {x.locale ? `${x.locale} ` : ''}
                      {x.part ? `${partLabel(x.part)}: ` : ''}
                      {templateIssueText(t, x)}
                      {x.line !== undefined ? ` ${t('variants.line', { n: x.line })}` : ''}
                    </li>
                  ))}
                </ul>
              )}
            </article>
          );
        })}
      </div>
    </section>
  );
}
