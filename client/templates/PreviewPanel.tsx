import { useEffect, useState } from 'react';
import { useDebounced } from '../components/useDebounced';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { TemplateDraft } from '../../shared/templates/draft';
import { formatCount } from '../format';
import { useTRPC, type RouterInputs } from '../trpc';
import { parseScalar } from '../inspector/SchemaForm';

/** "name: 林\nlimit: 20000" → traits, typed like the inspector types them. */
export function parseSampleTraits(text: string): Record<string, string | number | boolean | null> {
  const out: Record<string, string | number | boolean | null> = {};
  for (const line of text.split('\n')) {
    const i = line.indexOf(':');
    if (i <= 0) continue;
    const k = line.slice(0, i).trim();
    if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) out[k] = parseScalar(line.slice(i + 1).trim());
  }
  return out;
}

const defaultSample = 'name: 林晓\nlimit: 20000\ndaily_rate: 0.3\nproduct: 橙子分期\npartner: 星河贷';

/**
 * Every variant rendered as the dispatcher would render it, for a real
 * contact or for sample traits, with what it costs: characters, SMS encoding
 * and parts, cost per 10k sends at the price per part set here, and push
 * lengths against the platforms' cut-offs.
 */
export function PreviewPanel({ draft }: { draft: TemplateDraft }) {
  const [contact, setContact] = useState('');
  const [sample, setSample] = useState(defaultSample);
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
      <div className="preview-panel__languages">
        {languages.map((l) => (
          <LanguagePreview key={l} input={{ ...input, locale: l }} channel={draft.channel} label={languages.length > 1 ? l : null} />
        ))}
      </div>
    </section>
  );
}

/** One language's preview: every variant rendered in it, with its length, encoding, parts and cost. */
function LanguagePreview({ input, channel, label }: { input: RouterInputs['templates']['preview']; channel: TemplateDraft['channel']; label: string | null }) {
  const trpc = useTRPC();
  const preview = useQuery({ ...trpc.templates.preview.queryOptions(input), placeholderData: keepPreviousData, retry: false });
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
            <span className="muted">{v.chars} chars</span>
            {v.sms && (
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
