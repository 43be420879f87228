/** The global control group in words: what the read-only policy shows. */
export const globalControlWords = (percent: number | undefined): string =>
  percent
    ? `Global control group: ${String(percent)} % of contacts (always the same ones) get no marketing at all, so every journey's uplift can be measured against them.`
    : 'No global control group: everyone can be marketed to.';

/** The policy form's field for the global control group (%), 0 or empty for none. */
export function GlobalControlField({ value, onChange }: { value: number | undefined; onChange: (next: number | undefined) => void }) {
  return (
    <fieldset className="sf__group">
      <legend>Global control group</legend>
      <label>
        Share of contacts who get no marketing (%)
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
      <p className="sf__help">Chosen by a hash of the contact id, so the same contacts stay held out; transactional messages (repayment reminders) still reach them.</p>
    </fieldset>
  );
}
