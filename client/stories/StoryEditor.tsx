import type { NodeKind } from '../../shared/journey/registry';
import { useEditorStore } from '../store/editorContext';
import { EditorBody, editorTabs, useEditorLayout, type EditorTab } from '../pages/EditorLayout';

type Tab = Extract<EditorTab, 'inspector' | 'settings' | 'problems'>;

/**
 * The journey page's editor without its header, overlay, versions and
 * autosave: palette, canvas and the inspector / settings / problems tabs over
 * one editor store, through the same layout and wiring as JourneyPage's
 * `Editor` (pages/EditorLayout), which itself needs `journeys.get` and
 * `saveDraft`.
 */
export function StoryEditor({ initialTab = 'inspector' }: { initialTab?: Tab }) {
  const problemCount = useEditorStore((s) => s.problems.length);
  const { tab, setTab, focus, focusProblem, addAtCentre } = useEditorLayout(initialTab);
  const onAdd = (kind: NodeKind) => {
    addAtCentre(kind);
    setTab('inspector');
  };
  return <EditorBody tabs={editorTabs({ problems: problemCount })} tab={tab} onTab={setTab} focus={focus} onFocusProblem={focusProblem} onAdd={onAdd} style={{ height: '100vh' }} />;
}
