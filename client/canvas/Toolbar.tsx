import { useEffect, useState } from 'react';
import { Panel, useReactFlow } from '@xyflow/react';
import { useStore } from 'zustand';
import { Keyboard, LayoutGrid, Maximize, Redo2, Undo2 } from 'lucide-react';
import { msg } from '../i18n/messageIds';
import { useT } from '../i18n/useT';
import { useEditorStore, useEditorStoreApi } from '../store/editorContext';
import type { EditorStore } from '../store/createEditorStore';
import { fitViewOptions } from './useInitialViewport';

const mod = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform) ? '⌘' : 'Ctrl';

/** The shortcuts, as the help popover lists them; `useShortcuts` implements the same list. */
export const shortcuts: { keys: string; does: string }[] = [
  { keys: `${mod}+Z`, does: msg('shortcut.undo') },
  { keys: `${mod}+Shift+Z / ${mod}+Y`, does: msg('shortcut.redo') },
  { keys: `${mod}+C`, does: msg('shortcut.copy') },
  { keys: `${mod}+V`, does: msg('shortcut.paste') },
  { keys: `${mod}+D`, does: msg('shortcut.duplicate') },
  { keys: `${mod}+A`, does: msg('shortcut.selectAll') },
  { keys: 'Delete / Backspace', does: msg('shortcut.delete') },
  { keys: 'Tab, then Enter', does: msg('shortcut.focus') },
  { keys: 'C', does: msg('shortcut.connect') },
  { keys: `Shift+drag / ${mod}+click`, does: msg('shortcut.selectSeveral') },
  { keys: 'Shift+1', does: msg('shortcut.fit') },
  { keys: 'Shift+L', does: msg('shortcut.layout') },
  { keys: 'Esc', does: msg('shortcut.clear') },
  { keys: '?', does: msg('shortcut.help') },
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
  const t = useT();
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
    <Panel position="top-left" className="toolbar" aria-label={t('toolbar.label')}>
      <button
        type="button"
        className="iconbtn"
        aria-label={t('toolbar.undo')}
        title={t('toolbar.undo.title', { keys: `${mod}+Z` })}
        disabled={readOnly || !canUndo}
        onClick={() => store.getState().undo()}
      >
        <Undo2 size={16} aria-hidden />
      </button>
      <button
        type="button"
        className="iconbtn"
        aria-label={t('toolbar.redo')}
        title={t('toolbar.redo.title', { keys: `${mod}+Shift+Z` })}
        disabled={readOnly || !canRedo}
        onClick={() => store.getState().redo()}
      >
        <Redo2 size={16} aria-hidden />
      </button>
      <span className="toolbar__sep" />
      <button type="button" className="iconbtn" aria-label={t('toolbar.fit')} title={t('toolbar.fit.title')} onClick={actions.fit}>
        <Maximize size={16} aria-hidden />
      </button>
      <button type="button" className="iconbtn" aria-label={t('toolbar.layout')} title={t('toolbar.layout.title')} disabled={readOnly} onClick={autoLayout}>
        <LayoutGrid size={16} aria-hidden />
      </button>
      <span className="toolbar__sep" />
      <button type="button" className="iconbtn" aria-label={t('toolbar.shortcuts')} aria-expanded={help} aria-controls="shortcut-help" onClick={actions.help}>
        <Keyboard size={16} aria-hidden />
      </button>
      {help && (
        <div id="shortcut-help" className="popover" role="dialog" aria-label={t('toolbar.shortcuts')}>
          <table>
            <tbody>
              {shortcuts.map((s) => (
                <tr key={s.keys}>
                  <td>
                    <kbd>{s.keys}</kbd>
                  </td>
                  <td>{t(s.does)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Panel>
  );
}
