import { useEffect, useState } from 'react';
import { Panel, useReactFlow } from '@xyflow/react';
import { useStore } from 'zustand';
import { Keyboard, LayoutGrid, Maximize, Redo2, Undo2 } from 'lucide-react';
import { useEditorStore, useEditorStoreApi } from '../store/editorContext';
import type { EditorStore } from '../store/createEditorStore';
import { fitViewOptions } from './useInitialViewport';

const mod = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform) ? '⌘' : 'Ctrl';

/** The shortcuts, as the help popover lists them; `useShortcuts` implements the same list. */
export const shortcuts: { keys: string; does: string }[] = [
  { keys: `${mod}+Z`, does: 'Undo' },
  { keys: `${mod}+Shift+Z / ${mod}+Y`, does: 'Redo' },
  { keys: `${mod}+C`, does: 'Copy the selected nodes' },
  { keys: `${mod}+V`, does: 'Paste' },
  { keys: `${mod}+D`, does: 'Duplicate the selected nodes' },
  { keys: `${mod}+A`, does: 'Select every node' },
  { keys: 'Delete / Backspace', does: 'Delete the selection' },
  { keys: 'Tab, then Enter', does: 'Focus a node, then select it' },
  { keys: 'C', does: 'Connect a port of the selected node to another node' },
  { keys: `Shift+drag / ${mod}+click`, does: 'Select several' },
  { keys: 'Shift+1', does: 'Fit the journey in view' },
  { keys: 'Shift+L', does: 'Tidy up (auto-layout)' },
  { keys: 'Esc', does: 'Clear the selection' },
  { keys: '?', does: 'Show these shortcuts' },
];

const typing = (t: EventTarget | null) => t instanceof HTMLElement && (t.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName) || t.closest('dialog') !== null);

/** The one selected node, if exactly one is. */
const soleSelected = (s: ReturnType<EditorStore['getState']>): string | null => {
  const sel = s.nodes.filter((n) => n.selected);
  return sel.length === 1 ? (sel[0]?.id ?? null) : null;
};

/** Keyboard shortcuts on the canvas page; ignored while typing in a field or working in a dialog. */
function useShortcuts(store: EditorStore, actions: { fit: () => void; help: () => void }) {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (typing(e.target)) return;
      const s = store.getState();
      const cmd = e.metaKey || e.ctrlKey;
      const k = e.key.toLowerCase();
      let handled = true;
      if (cmd && k === 'z' && !e.shiftKey) s.undo();
      else if (cmd && (k === 'y' || (k === 'z' && e.shiftKey))) s.redo();
      else if (cmd && k === 'c') s.copySelection();
      else if (cmd && k === 'v') s.paste();
      else if (cmd && k === 'd') {
        if (s.copySelection()) s.paste();
      } else if (cmd && k === 'a') store.setState({ nodes: s.nodes.map((n) => (n.selected ? n : { ...n, selected: true })) });
      else if (e.shiftKey && (e.code === 'Digit1' || e.key === '!')) actions.fit();
      else if (e.shiftKey && k === 'l') s.autoLayout();
      else if (e.key === '?') actions.help();
      else if (!cmd && !e.altKey && k === 'c' && soleSelected(s)) s.openConnect(soleSelected(s) ?? '');
      else if (e.key === 'Escape') s.selectNode(null);
      else handled = false;
      if (handled) e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [store, actions]);
}

/** Undo, redo, fit, tidy up and the shortcuts popover, over the canvas. */
export function Toolbar() {
  const store = useEditorStoreApi();
  const readOnly = useEditorStore((s) => s.readOnly);
  const autoLayout = useEditorStore((s) => s.autoLayout);
  const canUndo = useStore(store.temporal, (t) => t.pastStates.length > 0);
  const canRedo = useStore(store.temporal, (t) => t.futureStates.length > 0);
  const { fitView } = useReactFlow();
  const [help, setHelp] = useState(false);
  const [actions] = useState(() => ({ fit: () => void fitView({ ...fitViewOptions, duration: 200 }), help: () => setHelp((h) => !h) }));
  useShortcuts(store, actions);

  return (
    <Panel position="top-left" className="toolbar" aria-label="Canvas tools">
      <button type="button" className="iconbtn" aria-label="Undo" title={`Undo (${mod}+Z)`} disabled={readOnly || !canUndo} onClick={() => store.getState().undo()}>
        <Undo2 size={16} aria-hidden />
      </button>
      <button type="button" className="iconbtn" aria-label="Redo" title={`Redo (${mod}+Shift+Z)`} disabled={readOnly || !canRedo} onClick={() => store.getState().redo()}>
        <Redo2 size={16} aria-hidden />
      </button>
      <span className="toolbar__sep" />
      <button type="button" className="iconbtn" aria-label="Fit view" title="Fit view (Shift+1)" onClick={actions.fit}>
        <Maximize size={16} aria-hidden />
      </button>
      <button type="button" className="iconbtn" aria-label="Auto-layout" title="Tidy up (Shift+L)" disabled={readOnly} onClick={autoLayout}>
        <LayoutGrid size={16} aria-hidden />
      </button>
      <span className="toolbar__sep" />
      <button type="button" className="iconbtn" aria-label="Keyboard shortcuts" aria-expanded={help} aria-controls="shortcut-help" onClick={actions.help}>
        <Keyboard size={16} aria-hidden />
      </button>
      {help && (
        <div id="shortcut-help" className="popover" role="dialog" aria-label="Keyboard shortcuts">
          <table>
            <tbody>
              {shortcuts.map((s) => (
                <tr key={s.keys}>
                  <td>
                    <kbd>{s.keys}</kbd>
                  </td>
                  <td>{s.does}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Panel>
  );
}
