import { createContext, useContext, useEffect, useId, useState, type ReactNode } from 'react';
import { ArrowDown, ArrowUp, Plus, X } from 'lucide-react';
import { buildDefault, discriminator, humanize, nullableInner, typesOf, type JsonSchema } from './jsonSchema';
import { useIntlOrEnglish, useT, type Translate } from '../i18n/useT';
import { enumLabel } from './enumLabels';

/** A field's title in the reader's language: its message id when shared/ gave one, else its English title, else its key humanized. */
const titleOf = (t: Translate, s: JsonSchema, key: string): string => (s.titleKey ? t(s.titleKey) : (s.title ?? humanize(key)));
const descriptionOf = (t: Translate, s: JsonSchema): string | undefined => (s.descriptionKey ? t(s.descriptionKey) : s.description);

export type Path = (string | number)[];

/** What a custom widget gets: the field and a way to change it. */
export interface WidgetProps {
  id: string;
  label: string;
  schema: JsonSchema;
  value: unknown;
  onChange: (value: unknown) => void;
  /** the object holding this field, for widgets that depend on a sibling (a template follows the channel) */
  parent: Record<string, unknown> | null;
  invalid: boolean;
}

/**
 * Widgets for `ui` hints, supplied by the page that hosts the form (the
 * inspector knows the templates, segments and events; the form does not).
 * Return null to fall back to the plain input.
 */
export type WidgetRenderer = (ui: string, props: WidgetProps) => ReactNode | null;

interface FormCtx {
  errors: Record<string, string[]>;
  widget: WidgetRenderer;
  readOnly: boolean;
}
const Ctx = createContext<FormCtx>({ errors: {}, widget: () => null, readOnly: false });

const key = (path: Path) => path.join('.');
const asRecord = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

/**
 * A form generated from a JSON Schema (itself generated from the zod schema
 * in shared/). Every change yields the whole new value; `errors` (path →
 * messages, e.g. `cases.0.key`) are shown beside the field they name.
 */
export function SchemaForm(props: { schema: JsonSchema; value: unknown; onChange: (value: unknown) => void; errors?: Record<string, string[]>; widget?: WidgetRenderer; readOnly?: boolean }) {
  return (
    <Ctx.Provider value={{ errors: props.errors ?? {}, widget: props.widget ?? (() => null), readOnly: props.readOnly ?? false }}>
      <fieldset className="sf" disabled={props.readOnly}>
        <ObjectFields schema={props.schema} value={asRecord(props.value)} path={[]} onChange={props.onChange} />
      </fieldset>
    </Ctx.Provider>
  );
}

function Errors({ path }: { path: Path }) {
  const messages = useContext(Ctx).errors[key(path)];
  if (!messages?.length) return null;
  return (
    <ul className="sf__errors" role="alert">
      {messages.map((m, i) => (
        <li key={i}>{m}</li>
      ))}
    </ul>
  );
}

function ObjectFields({ schema, value, path, onChange, skip }: { schema: JsonSchema; value: Record<string, unknown>; path: Path; onChange: (v: Record<string, unknown>) => void; skip?: string }) {
  const t = useT();
  return (
    <>
      {Object.entries(schema.properties ?? {}).map(([k, prop]) =>
        k === skip ? null : (
          <Field
            key={k}
            schema={prop}
            label={titleOf(t, prop, k)}
            value={value[k]}
            path={[...path, k]}
            parent={value}
            onChange={(v) => {
              const next = { ...value };
              if (v === undefined) delete next[k];
              else next[k] = v;
              onChange(next);
            }}
          />
        ),
      )}
      <Errors path={path} />
    </>
  );
}

interface FieldProps {
  schema: JsonSchema;
  label: string;
  value: unknown;
  path: Path;
  parent: Record<string, unknown> | null;
  onChange: (v: unknown) => void;
}

/** One field: picks its editor from the schema (ui hint, union, object, array, enum, scalar). */
function Field(p: FieldProps) {
  const ctx = useContext(Ctx);
  const t = useT();
  const id = useId();
  const invalid = Boolean(ctx.errors[key(p.path)]?.length);
  const description = descriptionOf(t, p.schema);
  const help = description ? <p className="sf__help">{description}</p> : null;

  if (p.schema.ui) {
    const custom = ctx.widget(p.schema.ui, { id, label: p.label, schema: p.schema, value: p.value, onChange: p.onChange, parent: p.parent, invalid });
    if (custom !== null)
      return (
        <div className="sf__field" data-path={key(p.path)}>
          <label htmlFor={id}>{p.label}</label>
          {custom}
          {help}
          <Errors path={p.path} />
        </div>
      );
  }

  const inner = nullableInner(p.schema);
  if (inner) return <NullableField {...p} inner={inner} />;
  if (discriminator(p.schema)) return <UnionField {...p} />;
  const types = typesOf(p.schema);
  if (p.schema.properties)
    return (
      <fieldset className="sf__group" data-path={key(p.path)}>
        <legend>{p.label}</legend>
        {help}
        <ObjectFields schema={p.schema} value={asRecord(p.value)} path={p.path} onChange={p.onChange} />
      </fieldset>
    );
  if (types.includes('array') && types.length === 1) return <ArrayField {...p} />;

  return (
    <div className={`sf__field${types.includes('boolean') && types.length === 1 ? ' sf__field--check' : ''}`} data-path={key(p.path)}>
      <label htmlFor={id}>{p.label}</label>
      <ScalarInput id={id} schema={p.schema} value={p.value} onChange={p.onChange} invalid={invalid} />
      {help}
      <Errors path={p.path} />
    </div>
  );
}

/** `x | null`: a checkbox turns the value on (its default) or off (null). */
function NullableField(p: FieldProps & { inner: JsonSchema }) {
  const on = p.value !== null && p.value !== undefined;
  return (
    <div className="sf__nullable" data-path={key(p.path)}>
      <label className="sf__toggle">
        <input type="checkbox" checked={on} onChange={(e) => p.onChange(e.target.checked ? buildDefault({ ...p.inner, default: undefined }) : null)} />
        {p.label}
      </label>
      {on && <Field {...p} schema={{ ...p.inner, title: undefined, titleKey: undefined }} label={p.label} />}
    </div>
  );
}

/** A union pinned by a `const` property (condition type, re-entry policy): choose the member, then its fields. */
function UnionField(p: FieldProps) {
  const t = useT();
  const id = useId();
  const disc = discriminator(p.schema) as string;
  const members = p.schema.oneOf ?? p.schema.anyOf ?? [];
  const value = asRecord(p.value);
  const current = members.find((m) => m.properties?.[disc]?.const === value[disc]) ?? members[0];
  return (
    <fieldset className="sf__group" data-path={key(p.path)}>
      <legend>{p.label}</legend>
      <div className="sf__field">
        <label htmlFor={id}>{enumLabel(t, disc)}</label>
        <select
          id={id}
          value={String(value[disc] ?? '')}
          onChange={(e) => {
            const m = members.find((x) => String(x.properties?.[disc]?.const) === e.target.value);
            if (m) p.onChange(buildDefault(m));
          }}
        >
          {members.map((m) => {
            const c = String(m.properties?.[disc]?.const);
            return (
              <option key={c} value={c}>
                {m.titleKey ? t(m.titleKey) : enumLabel(t, c, m.title)}
              </option>
            );
          })}
        </select>
      </div>
      {current && <ObjectFields schema={current} value={value} path={p.path} onChange={p.onChange} skip={disc} />}
    </fieldset>
  );
}

function ArrayField(p: FieldProps) {
  const t = useT();
  const intl = useIntlOrEnglish();
  const items: unknown[] = Array.isArray(p.value) ? p.value : [];
  const itemSchema = p.schema.items ?? {};
  // an item is named after the list: "Conditions" → "condition 1"; English alone makes a singular by dropping the s
  const noun = intl.locale === 'en' ? p.label.replace(/s$/, '').toLowerCase() : p.label;
  const description = descriptionOf(t, p.schema);
  const set = (next: unknown[]) => p.onChange(next);
  const scalarEnum = itemSchema.enum;
  if (scalarEnum) return <EnumSet {...p} options={scalarEnum} />;
  return (
    <fieldset className="sf__group sf__array" data-path={key(p.path)}>
      <legend>{p.label}</legend>
      {description && <p className="sf__help">{description}</p>}
      {items.map((item, i) => (
        <div className="sf__item" key={i}>
          <div className="sf__itembar">
            <span className="sf__itemnum">{t('schemaForm.item', { noun: humanize(noun), n: i + 1 })}</span>
            <button type="button" className="iconbtn" aria-label={t('schemaForm.moveUp', { noun, n: i + 1 })} disabled={i === 0} onClick={() => set(move(items, i, i - 1))}>
              <ArrowUp size={13} aria-hidden />
            </button>
            <button type="button" className="iconbtn" aria-label={t('schemaForm.moveDown', { noun, n: i + 1 })} disabled={i === items.length - 1} onClick={() => set(move(items, i, i + 1))}>
              <ArrowDown size={13} aria-hidden />
            </button>
            <button type="button" className="iconbtn" aria-label={t('schemaForm.remove', { noun, n: i + 1 })} onClick={() => set(items.filter((_, j) => j !== i))}>
              <X size={13} aria-hidden />
            </button>
          </div>
          <Field
            schema={itemSchema}
            label={t('schemaForm.item', { noun: humanize(noun), n: i + 1 })}
            value={item}
            path={[...p.path, i]}
            parent={null}
            onChange={(v) => set(items.map((x, j) => (j === i ? v : x)))}
          />
        </div>
      ))}
      <button type="button" className="btn btn--small" disabled={p.schema.maxItems !== undefined && items.length >= p.schema.maxItems} onClick={() => set([...items, buildDefault(itemSchema)])}>
        <Plus size={13} aria-hidden /> {t('schemaForm.add', { noun })}
      </button>
      <Errors path={p.path} />
    </fieldset>
  );
}

/** An array of enum values (weekdays): one checkbox per option. */
function EnumSet(p: FieldProps & { options: unknown[] }) {
  const t = useT();
  const chosen = new Set(Array.isArray(p.value) ? p.value : []);
  return (
    <fieldset className="sf__group sf__enumset" data-path={key(p.path)}>
      <legend>{p.label}</legend>
      {p.options.map((o) => (
        <label key={String(o)} className="sf__chip">
          <input type="checkbox" checked={chosen.has(o)} onChange={(e) => p.onChange(p.options.filter((x) => (x === o ? e.target.checked : chosen.has(x))))} />
          {enumLabel(t, String(o), String(o))}
        </label>
      ))}
      <Errors path={p.path} />
    </fieldset>
  );
}

const move = <T,>(xs: readonly T[], from: number, to: number): T[] => {
  const out = [...xs];
  const [x] = out.splice(from, 1);
  out.splice(to, 0, x as T);
  return out;
};

/** Text for a scalar; typed back on the way in (numbers, booleans, null), so `"5000"` compares as a number. */
export function parseScalar(text: string): string | number | boolean | null {
  const t = text.trim();
  if (t === 'true' || t === 'false') return t === 'true';
  if (t === 'null') return null;
  if (t !== '' && /^-?\d+(\.\d+)?$/.test(t) && !/^-?0\d/.test(t)) return Number(t);
  return text;
}
export const scalarText = (v: unknown): string => (v === null ? 'null' : v === undefined ? '' : Array.isArray(v) ? v.map(scalarText).join(', ') : String(v));

function ScalarInput({ id, schema, value, onChange, invalid }: { id: string; schema: JsonSchema; value: unknown; onChange: (v: unknown) => void; invalid: boolean }) {
  const t = useT();
  const types = typesOf(schema);
  const [draft, setDraft] = useState(() => scalarText(value));
  // keep the text in step when the value changes from outside (undo, another field)
  const typeKey = types.join('|');
  useEffect(() => setDraft((d) => (parseEquals(d, value, typeKey.split('|')) ? d : scalarText(value))), [value, typeKey]);
  const common = { id, 'aria-invalid': invalid || undefined };

  if (schema.enum)
    return (
      <select {...common} value={String(value ?? '')} onChange={(e) => onChange(schema.enum?.find((o) => String(o) === e.target.value))}>
        {schema.enum.map((o) => (
          <option key={String(o)} value={String(o)}>
            {enumLabel(t, String(o))}
          </option>
        ))}
      </select>
    );
  if (types.length === 1 && types[0] === 'boolean') return <input {...common} type="checkbox" checked={value === true} onChange={(e) => onChange(e.target.checked)} />;
  if (types.length === 1 && (types[0] === 'integer' || types[0] === 'number'))
    return (
      <input
        {...common}
        type="number"
        inputMode="decimal"
        min={schema.minimum}
        max={schema.maximum}
        step={types[0] === 'integer' ? 1 : 'any'}
        value={draft}
        onChange={(e) => {
          setDraft(e.target.value);
          const n = e.target.valueAsNumber;
          // an empty or half-typed number stays as typed: the draft keeps it and validation names it
          onChange(Number.isFinite(n) ? n : e.target.value);
        }}
      />
    );
  if (types.length === 1 && types[0] === 'string') return <input {...common} type="text" value={typeof value === 'string' ? value : scalarText(value)} onChange={(e) => onChange(e.target.value)} />;
  // a scalar of any type (a trait value): typed from the text
  return (
    <input
      {...common}
      type="text"
      placeholder={t('schemaForm.scalarPlaceholder')}
      value={draft}
      onChange={(e) => {
        setDraft(e.target.value);
        onChange(parseScalar(e.target.value));
      }}
    />
  );
}

function parseEquals(text: string, value: unknown, types: string[]): boolean {
  if (types.length === 1 && (types[0] === 'integer' || types[0] === 'number')) return text === '' ? value === '' || value === undefined : Number(text) === value || text === value;
  return parseScalar(text) === value || text === value;
}
