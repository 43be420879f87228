import { useT } from '../i18n/useT';
/** The global control group in words: what the read-only policy shows. */
export const globalControlWords = (percent: number | undefined): string =>
  percent
    ? `Global control group: ${String(percent)} % of contacts (always the same ones) get no marketing at all, so every journey's uplift can be measured against them.`
    : 'No global control group: everyone can be marketed to.';

/** The policy form's field for the global control group (%), 0 or empty for none. */
export function GlobalControlField({ value, onChange }: { value: number | undefined; onChange: (next: number | undefined) => void }) {
  const t = useT();
  return (
    <fieldset className="sf__group">
      <legend>{t('globalControl.legend')}</legend>
      <label>
        {t('globalControl.share')}
        <input
          type="number"
          min={0}
          max={50}
          step={0.5}
          value={value ?? 0}
          onChange={(e) => {
            const n = Number(e.target.value);
            onChange(e.target.value === '' || n === 0 ? undefined : n);
          }}
        />
      </label>
      <p className="sf__help">{t('globalControl.help')}</p>
    </fieldset>
  );
}
