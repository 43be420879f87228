import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Pencil, Users } from 'lucide-react';
import { SegmentRules, type RuleSet } from '../../shared/segments/rules';
import { channels, type Channel } from '../../shared/journey/channels';
import { channelMessages } from '../i18n/registryMessages';
import { useT } from '../i18n/useT';
import { useErrorText, zodIssueText } from '../i18n/serverText';
import { useTRPC } from '../trpc';
import { useCatalogue } from './catalogue';
import { SchemaForm, parseScalar, scalarText, type WidgetProps, type WidgetRenderer } from './SchemaForm';
import { ruleSetSchema } from './jsonSchema';
import { segmentCountText } from './segmentCountText';

/** The inspector's widgets for the registry's `ui` hints. */
export const inspectorWidgets: WidgetRenderer = (ui, p) => {
  switch (ui) {
    case 'channel':
      return <ChannelSelect {...p} />;
    case 'template':
      return <TemplatePicker {...p} />;
    case 'segment':
      return <SegmentPicker {...p} />;
    case 'event':
      return <Suggest {...p} list="known-events" />;
    case 'trait':
      return <Suggest {...p} list="known-traits" />;
    case 'time':
      return <input id={p.id} type="time" value={typeof p.value === 'string' ? p.value : ''} aria-invalid={p.invalid || undefined} onChange={(e) => p.onChange(e.target.value)} />;
    case 'datetime':
      return <DateTimeInput {...p} />;
    case 'value':
      return <ComparisonValue {...p} />;
    default:
      return null; // 'property', 'weekdays' and unknown hints: the plain editor fits
  }
};

/** The channels, named in the reader's language. */
function ChannelSelect(p: WidgetProps) {
  const t = useT();
  return (
    <select id={p.id} value={typeof p.value === 'string' ? p.value : ''} aria-invalid={p.invalid || undefined} onChange={(e) => p.onChange(e.target.value)}>
      {channels.map((c) => (
        <option key={c} value={c}>
          {t(channelMessages[c])}
        </option>
      ))}
    </select>
  );
}

/** Datalists the suggest widgets point at; rendered once by the inspector. */
export function Suggestions() {
  const c = useCatalogue();
  return (
    <>
      <datalist id="known-events">
        {c.events.map((e) => (
          <option key={e} value={e} />
        ))}
      </datalist>
      <datalist id="known-traits">
        {c.traits.map((t) => (
          <option key={t} value={t} />
        ))}
      </datalist>
    </>
  );
}

function Suggest(p: WidgetProps & { list: string }) {
  return <input id={p.id} type="text" list={p.list} value={typeof p.value === 'string' ? p.value : ''} aria-invalid={p.invalid || undefined} onChange={(e) => p.onChange(e.target.value)} />;
}

/** A template of the node's channel; a template of another channel is still shown (compile names the mismatch). */
function TemplatePicker(p: WidgetProps) {
  const t = useT();
  const { templates } = useCatalogue();
  const channel = p.parent?.channel as Channel | undefined;
  const options = templates.filter((t) => !channel || t.channel === channel);
  const current = typeof p.value === 'string' ? p.value : '';
  const known = templates.some((t) => t.key === current);
  return (
    <select id={p.id} value={current} aria-invalid={p.invalid || undefined} onChange={(e) => p.onChange(e.target.value)}>
      <option value="">{channel ? t('widgets.chooseTemplateFor', { channel: t(channelMessages[channel]) }) : t('widgets.chooseTemplate')}</option>
      {current && !known && <option value={current}>{current} (missing)</option>}
      {options.map((t) => (
        <option key={t.key} value={t.key}>
          {t.name} · {t.key}
        </option>
      ))}
    </select>
  );
}

/** Pick a segment, see how many contacts are in it now, and edit its rules in place. */
function SegmentPicker(p: WidgetProps) {
  const t = useT();
  const { segments } = useCatalogue();
  const [editing, setEditing] = useState(false);
  const key = typeof p.value === 'string' ? p.value : '';
  const segment = segments.find((s) => s.key === key);
  return (
    <div className="segpick">
      <select id={p.id} value={key} aria-invalid={p.invalid || undefined} onChange={(e) => p.onChange(e.target.value)}>
        <option value="">{t('widgets.chooseSegment')}</option>
        {key && !segment && <option value={key}>{key} (missing)</option>}
        {segments.map((s) => (
          <option key={s.key} value={s.key}>
            {s.name}
          </option>
        ))}
      </select>
      {segment && (
        <>
          <p className="sf__help">{segment.description}</p>
          <SegmentCount rules={segment.rules} />
          <button type="button" className="btn btn--small" aria-expanded={editing} onClick={() => setEditing((x) => !x)}>
            <Pencil size={13} aria-hidden /> {editing ? t('widgets.closeSegmentEditor') : t('widgets.editSegment')}
          </button>
          {editing && <SegmentEditor key={segment.key} segmentKey={segment.key} name={segment.name} description={segment.description} rules={segment.rules} onDone={() => setEditing(false)} />}
        </>
      )}
    </div>
  );
}

/** Live count of a rule set, from the server's set-based SQL; "at least …" when the server's time budget cut it short. */
export function SegmentCount({ rules }: { rules: RuleSet }) {
  const trpc = useTRPC();
  const q = useQuery({ ...trpc.segments.preview.queryOptions({ rules, sample: 0 }), refetchInterval: 15_000 });
  const t = useT();
  return (
    <p className="segcount" aria-live="polite">
      <Users size={14} aria-hidden /> {q.isPending ? t('widgets.counting') : q.isError ? t('widgets.countUnavailable') : segmentCountText(t, q.data)}
    </p>
  );
}

function SegmentEditor(p: { segmentKey: string; name: string; description: string; rules: RuleSet; onDone: () => void }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const t = useT();
  const errorText = useErrorText();
  const [rules, setRules] = useState<unknown>(p.rules);
  // the limits the server holds a segment to on save (list sizes, names), at the field that breaks them
  const parsed = SegmentRules.safeParse(rules);
  const errors: Record<string, string[]> = {};
  if (!parsed.success) for (const i of parsed.error.issues) (errors[i.path.join('.')] ??= []).push(zodIssueText(t, i));
  const save = useMutation(
    trpc.segments.save.mutationOptions({
      onSuccess: async () => {
        await qc.invalidateQueries({ queryKey: trpc.segments.list.queryKey() });
        p.onDone();
      },
    }),
  );
  return (
    <div className="segedit" role="group" aria-label={t('widgets.rulesOf', { name: p.name })}>
      <SchemaForm schema={ruleSetSchema()} value={rules} onChange={setRules} errors={errors} widget={inspectorWidgets} />
      {parsed.success && <SegmentCount rules={parsed.data} />}
      {save.isError && <p className="sf__errors">{errorText(save.error)}</p>}
      <button
        type="button"
        className="btn btn--primary btn--small"
        disabled={!parsed.success || save.isPending}
        onClick={() => parsed.success && save.mutate({ key: p.segmentKey, name: p.name, description: p.description, rules: parsed.data })}
      >
        {save.isPending ? t('header.saving') : t('widgets.saveSegment')}
      </button>
      <p className="sf__help">{t('widgets.saveSegment.help')}</p>
    </div>
  );
}

/** ISO date-time (UTC) edited as the browser's local date-time. */
function DateTimeInput(p: WidgetProps) {
  const iso = typeof p.value === 'string' ? p.value : '';
  const t = iso ? Date.parse(iso) : Number.NaN;
  const local = Number.isFinite(t) ? new Date(t - new Date(t).getTimezoneOffset() * 60_000).toISOString().slice(0, 16) : '';
  return <input id={p.id} type="datetime-local" value={local} aria-invalid={p.invalid || undefined} onChange={(e) => p.onChange(e.target.value ? new Date(e.target.value).toISOString() : null)} />;
}

/** A comparison's value: none for exists / not_exists, a comma-separated list for `in`, else one typed scalar. */
function ComparisonValue(p: WidgetProps) {
  const t = useT();
  const op = p.parent?.op;
  if (op === 'exists' || op === 'not_exists') return <input id={p.id} type="text" disabled value="" placeholder={t('widgets.noValue')} />;
  if (op === 'in')
    return (
      <input
        id={p.id}
        type="text"
        placeholder="a, b, c"
        aria-invalid={p.invalid || undefined}
        defaultValue={scalarText(p.value)}
        onChange={(e) =>
          p.onChange(
            e.target.value
              .split(',')
              .map((x) => parseScalar(x.trim()))
              .filter((x) => x !== ''),
          )
        }
      />
    );
  return <input id={p.id} type="text" aria-invalid={p.invalid || undefined} defaultValue={scalarText(p.value)} onChange={(e) => p.onChange(parseScalar(e.target.value))} />;
}
