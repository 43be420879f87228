import { useEffect, useState } from 'react';
import { useDebounced } from '../components/useDebounced';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { TemplateDraft } from '../../shared/templates/draft';
import { formatCount } from '../format';
import { useTRPC, type RouterInputs } from '../trpc';
import { parseSampleTraits, sampleTraitsText } from './sampleContact';

/**
 * Every variant rendered as the dispatcher would render it, for a real
 * contact or for sample traits, with what it costs: characters, SMS encoding
 * and parts, cost per 10k sends at the price per part set here, and push
 * lengths against the platforms' cut-offs.
 */
export function PreviewPanel({ draft }: { draft: TemplateDraft }) {
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
    <section className="card preview-panel" aria-label="Live preview">
      <h2>Preview</h2>
      <div className="preview-panel__inputs">
        <label>
          Contact (user id)
          <input type="search" value={contact} placeholder="render for a real contact" onChange={(e) => setContact(e.target.value)} />
        </label>
        <label>
          {forContact ? 'Override traits' : 'Sample traits'}
          <textarea
            rows={4}
            value={traitsText}
            placeholder={forContact ? 'none: the contact’s own traits (e.g. limit: 50000)' : undefined}
            onChange={(e) => (forContact ? setOverrides : setSample)(e.target.value)}
            spellCheck={false}
          />
        </label>
        {draft.channel === 'sms' && (
          <label>
            Price per SMS part (¥)
            <input type="number" min={0} step={0.001} value={Number.isFinite(price) ? price : ''} onChange={(e) => setPrice(e.target.valueAsNumber)} />
          </label>
        )}
      </div>
      {!complete && <p className="muted">The preview appears once the template has a key, a name and its copy.</p>}
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
  const trpc = useTRPC();
  const preview = useQuery({ ...trpc.templates.preview.queryOptions(input), placeholderData: keepPreviousData, retry: false, enabled });
  return (
    <div className="preview-panel__language" lang={input.locale}>
      {label && <h3 className="variant__locale">{label}</h3>}
      {preview.isError && (
        <p className="sf__errors" role="alert">
          {preview.error.message}
        </p>
      )}
      {preview.data?.variants.map((v) => (
        <article key={v.variant} className="pv" aria-label={`Preview of variant ${v.variant.toUpperCase()}${label ? ` in ${label}` : ''}`}>
          <header className="pv__head">
            <span className="chip chip--on">{v.variant.toUpperCase()}</span>
            {/* a copy that does not render has no length, parts or cost to speak of: the error alone says what is wrong */}
            {!v.error && <span className="muted">{v.chars} chars</span>}
            {v.sms && !v.error && (
              <>
                <span className="pv__fact">{v.sms.encoding}</span>
                <span className="pv__fact" aria-label="SMS parts">
                  {v.sms.parts} {v.sms.parts === 1 ? 'part' : 'parts'}
                </span>
                <span className="muted">{v.sms.remainingInPart} left in this part</span>
                {v.sms.costPer10k !== null && <span className="pv__fact">¥{formatCount(v.sms.costPer10k)} per 10k sends</span>}
              </>
            )}
          </header>
          {v.error ? (
            <p className="sf__errors">{v.error}</p>
          ) : (
            Object.entries(v.parts).map(([part, text]) => (
              <figure key={part} className="preview__part">
                <figcaption className="muted">{part}</figcaption>
                <pre className={`preview__text preview__text--${channel}`}>{text}</pre>
              </figure>
            ))
          )}
          {v.push && (
            <table className="pv__limits" aria-label="Push length limits">
              <tbody>
                {v.push.map((f) => (
                  <tr key={`${f.platform}:${f.part}`} className={f.over ? 'pv__over' : undefined}>
                    <td>{f.platform === 'ios' ? 'iOS' : 'Android'}</td>
                    <td>{f.part}</td>
                    <td>
                      {f.length} / {f.limit}
                    </td>
                    <td>{f.over ? 'cut off' : 'fits'}</td>
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
