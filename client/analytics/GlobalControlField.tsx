import { useT, type Translate } from '../i18n/useT';

/** The global control group in words, in the reader's language: what the read-only policy shows. */
export const globalControlWords = (t: Translate, percent: number | undefined): string => (percent ? t('globalControl.on', { percent }) : t('globalControl.off'));

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
