import { useT } from '../i18n/useT';
import { zodIssueText } from '../i18n/serverText';
import { useProblemText } from '../i18n/problemText';
import { useEffect, useMemo, useRef, useState } from 'react';
import { JourneySettings } from '../../shared/journey/settings';
import { useEditorStore } from '../store/editorContext';
import { fieldProblems } from '../store/slices/problemsSlice';
import { SchemaForm } from '../inspector/SchemaForm';
import { settingsSchema } from '../inspector/jsonSchema';
import { inspectorWidgets, Suggestions } from '../inspector/widgets';

/**
 * Journey settings: entry window, re-entry, exit criteria, goals with their
 * attribution window, the mutual-exclusion group. The stored draft must hold
 * valid settings, so the form keeps its own copy and hands the store only a
 * value that parses; until then the fields say what is wrong.
 */
export function SettingsPanel() {
  const t = useT();
  const problemText = useProblemText();
  const settings = useEditorStore((s) => s.settings);
  const updateSettings = useEditorStore((s) => s.updateSettings);
  const readOnly = useEditorStore((s) => s.readOnly);
  const problems = useEditorStore((s) => s.problems);
  const endFieldEdit = useEditorStore((s) => s.endFieldEdit);
  const [draft, setDraft] = useState<unknown>(settings);
  const sent = useRef(settings);
  // undo/redo replaces the settings from outside: show them (but not our own, normalised, echo)
  useEffect(() => {
    if (settings !== sent.current) setDraft(settings);
  }, [settings]);

  const parsed = JourneySettings.safeParse(draft);
  const errors = useMemo(() => {
    const out = fieldProblems(
      problems.map((p) => ({ ...p, detail: problemText(p, 'detail') })),
      null,
      'settings',
    );
    if (!parsed.success) for (const i of parsed.error.issues) (out[i.path.join('.')] ??= []).push(zodIssueText(t, i));
    return out;
  }, [problems, parsed, problemText, t]);

  return (
    // leaving a field ends its edit: what was typed there is one undo step
    <section className="panel" aria-label={t('editor.tab.settings')} onBlur={endFieldEdit}>
      <Suggestions />
      <SchemaForm
        schema={settingsSchema()}
        value={draft}
        readOnly={readOnly}
        errors={errors}
        widget={inspectorWidgets}
        onChange={(v) => {
          setDraft(v);
          const ok = JourneySettings.safeParse(v);
          if (ok.success) {
            sent.current = ok.data;
            updateSettings(ok.data);
          }
        }}
      />
    </section>
  );
}
