import { useT } from '../i18n/useT';
import { useErrorText } from '../i18n/serverText';
import { useEffect, useState } from 'react';
import { useDebounced } from '../components/useDebounced';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { TemplateDraft } from '../../shared/templates/draft';
import { formatCount } from '../format';
import { useTRPC, type RouterInputs } from '../trpc';
import { parseSampleTraits, sampleTraitsText } from './sampleContact';
import { partText } from './partText';

/**
 * Every variant rendered as the dispatcher would render it, for a real
 * contact or for sample traits, with what it costs: characters, SMS encoding
 * and parts, cost per 10k sends at the price per part set here, and push
 * lengths against the platforms' cut-offs.
 */
export function PreviewPanel({ draft }: { draft: TemplateDraft }) {
  const t = useT();
  const [contact, setContact] = useState('');
  const [sample, setSample] = useState(sampleTraitsText);
  // for a real contact, only what the user types here overrides their traits: the sample's
  // stand-in name would otherwise replace the contact's own
  const [overrides, setOverrides] = useState('');
  const forContact = contact.trim() !== '';
  const traitsText = forContact ? overrides : sample;
  const [price, setPrice] = useState(() => Number(localStorage.getItem('sms.pricePerPart') ?? '0.045'));
  useEffect(() => localStorage.setItem('sms.pricePerPart', String(price)), [price]);
  const input = useDebounced({ draft, ...(forContact ? { externalId: contact.trim() } : {}), traits: parseSampleTraits(traitsText), ...(Number.isFinite(price) ? { pricePerPart: price } : {}) }, 350);
  // each language the template has copy in, rendered on its own: its encoding and SMS parts are its own
  const languages = [input.draft.locale, ...(input.draft.locales ?? [])];
  // a draft that is not a template yet (a new one, half filled in) has nothing to render: the editor lists what is missing
  const complete = TemplateDraft.safeParse(input.draft).success;

  return (
    <section className="card preview-panel" aria-label={t('tpreview.label')}>
      <h2>{t('preview.title')}</h2>
      <div className="preview-panel__inputs">
        <label>
          {t('tpreview.contact')}
          <input type="search" value={contact} placeholder={t('tpreview.contact.placeholder')} onChange={(e) => setContact(e.target.value)} />
        </label>
        <label>
          {forContact ? t('tpreview.overrides') : t('tpreview.sample')}
          <textarea
            rows={4}
            value={traitsText}
            placeholder={forContact ? t('tpreview.overrides.placeholder') : undefined}
            onChange={(e) => (forContact ? setOverrides : setSample)(e.target.value)}
            spellCheck={false}
          />
        </label>
        {draft.channel === 'sms' && (
          <label>
            {t('tpreview.price')}
            <input type="number" min={0} step={0.001} value={Number.isFinite(price) ? price : ''} onChange={(e) => setPrice(e.target.valueAsNumber)} />
          </label>
        )}
      </div>
      {!complete && <p className="muted">{t('tpreview.incomplete')}</p>}
      <div className="preview-panel__languages" hidden={!complete}>
        {languages.map((l) => (
          <LanguagePreview key={l} input={{ ...input, locale: l }} channel={draft.channel} label={languages.length > 1 ? l : null} enabled={complete} />
        ))}
      </div>
    </section>
  );
}

/** One language's preview: every variant rendered in it, with its length, encoding, parts and cost. */
function LanguagePreview({ input, channel, label, enabled }: { input: RouterInputs['templates']['preview']; channel: TemplateDraft['channel']; label: string | null; enabled: boolean }) {
  const t = useT();
  const errorText = useErrorText();
  const trpc = useTRPC();
  const preview = useQuery({ ...trpc.templates.preview.queryOptions(input), placeholderData: keepPreviousData, retry: false, enabled });
  return (
    <div className="preview-panel__language" lang={input.locale}>
      {label && <h3 className="variant__locale">{label}</h3>}
      {preview.isError && (
        <p className="sf__errors" role="alert">
          {errorText(preview.error)}
        </p>
      )}
      {preview.data?.variants.map((v) => (
        <article key={v.variant} className="pv" aria-label={t('tpreview.variant', { key: v.variant.toUpperCase() }) + (label ? t('variants.inLanguage', { locale: label }) : '')}>
          <header className="pv__head">
            <span className="chip chip--on">{v.variant.toUpperCase()}</span>
            {/* a copy that does not render has no length, parts or cost to speak of: the error alone says what is wrong */}
            {!v.error && <span className="muted">{t('tpreview.chars', { n: v.chars })}</span>}
            {v.sms && !v.error && (
              <>
                <span className="pv__fact">{v.sms.encoding}</span>
                <span className="pv__fact" aria-label={t('tpreview.smsParts')}>
                  {t('tpreview.parts', { n: v.sms.parts })}
                </span>
                <span className="muted">{t('tpreview.left', { n: v.sms.remainingInPart })}</span>
                {v.sms.costPer10k !== null && <span className="pv__fact">{t('tpreview.per10k', { cost: formatCount(v.sms.costPer10k) })}</span>}
              </>
            )}
          </header>
          {v.error ? (
            <p className="sf__errors">{v.error}</p>
          ) : (
            Object.entries(v.parts).map(([part, text]) => (
              <figure key={part} className="preview__part">
                <figcaption className="muted">{partText(t, part)}</figcaption>
                <pre className={`preview__text preview__text--${channel}`}>{text}</pre>
              </figure>
            ))
          )}
          {v.push && (
            <table className="pv__limits" aria-label={t('tpreview.pushLimits')}>
              <tbody>
                {v.push.map((f) => (
                  <tr key={`${f.platform}:${f.part}`} className={f.over ? 'pv__over' : undefined}>
                    <td>{f.platform === 'ios' ? 'iOS' : 'Android'}</td>
                    <td>{f.part}</td>
                    <td>
                      {f.length} / {f.limit}
                    </td>
                    <td>{f.over ? t('tpreview.cutOff') : t('tpreview.fits')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </article>
      ))}
    </div>
  );
}
