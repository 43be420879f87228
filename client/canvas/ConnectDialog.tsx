import { refText } from '../i18n/messageRef';
import { useNodeName } from '../store/useNodeName';
import { useEffect, useId, useRef, useState, type SubmitEvent } from 'react';
import { Unlink } from 'lucide-react';
import { nodeKinds } from '../../shared/journey/registry';
import { useT } from '../i18n/useT';
import { useNodeTitle } from '../i18n/useNodeTitle';
import { canBeEntered, firstFreePort, portsOf } from '../mapping/placement';
import { portText } from '../mapping/ports';
import { useEditorStore, useEditorStoreApi } from '../store/editorContext';
import type { JourneyFlowNode } from '../mapping/flowTypes';

/** Keyboard focus back on the node the dialog was opened for, as React Flow draws it (a focusable group). */
const focusNode = (id: string) => document.querySelector<HTMLElement>(`.react-flow__node[data-id="${CSS.escape(id)}"]`)?.focus();

/**
 * Wiring without a mouse: choose one of the node's output ports and the node
 * it leads to. Opened with C on a selected node, or from the inspector. A
 * port that is already wired says where it leads and can be disconnected;
 * connecting it elsewhere is refused, as dragging is (one edge per port).
 */
export function ConnectDialog() {
  const nodeId = useEditorStore((s) => s.connectingFrom);
  const node = useEditorStore((s) => (s.connectingFrom ? s.nodes.find((n) => n.id === s.connectingFrom) : undefined));
  if (!nodeId || !node) return null;
  return <ConnectForm key={nodeId} node={node} />;
}

function ConnectForm({ node }: { node: JourneyFlowNode }) {
  const t = useT();
  const nodeTitle = useNodeTitle();
  const nodeName = useNodeName();
  const store = useEditorStoreApi();
  const edges = useEditorStore((s) => s.edges);
  const nodes = useEditorStore((s) => s.nodes);
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const ports = portsOf(node, edges);
  const targets = nodes.filter((n) => n.id !== node.id && canBeEntered(n.data.kind));
  const [port, setPort] = useState(() => firstFreePort(node, edges) ?? ports[0]?.id ?? '');
  const [target, setTarget] = useState(() => targets[0]?.id ?? '');
  const title = nodeTitle(node.data);
  const titleOf = (id: string | null) => {
    const n = nodes.find((x) => x.id === id);
    return n ? nodeTitle(n.data) : '';
  };
  const chosen = ports.find((p) => p.id === port);
  const problem = port && target ? store.getState().connectionProblem({ source: node.id, sourceHandle: port, target, targetHandle: null }) : null;

  useEffect(() => {
    const d = dialog.current;
    if (d && !d.open) d.showModal();
  }, []);

  // the dialog's close event (Escape, Cancel, a connection made) ends it; focus goes back to the node once it has gone
  const onClose = () => {
    store.getState().closeConnect();
    setTimeout(() => focusNode(node.id), 0);
  };
  const close = () => dialog.current?.close();
  const submit = (e: SubmitEvent<HTMLFormElement>) => {
    e.preventDefault();
    const label = (chosen && portText(t, chosen)) || t('connect.next');
    if (!store.getState().connect({ source: node.id, sourceHandle: port, target, targetHandle: null })) return;
    store.getState().showNotice(t('connect.done', { port: label, from: title, to: titleOf(target) }), 'done');
    close();
  };

  return (
    <dialog ref={dialog} className="dialog" aria-labelledby={titleId} onClose={onClose}>
      <h2 id={titleId}>{t('connect.title', { title })}</h2>
      {ports.length === 0 ? (
        <p className="muted">{t('connect.noPorts')}</p>
      ) : (
        <form className="connect" onSubmit={submit}>
          <label className="field">
            <span>{t('connect.fromPort')}</span>
            <select value={port} onChange={(e) => setPort(e.target.value)} autoFocus>
              {ports.map((p) => (
                <option key={p.id} value={p.id}>
                  {portText(t, p) || t('connect.next')}
                  {p.target ? ` → ${titleOf(p.target)}` : t('connect.notConnected')}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>{t('connect.toNode')}</span>
            <select value={target} onChange={(e) => setTarget(e.target.value)}>
              {targets.map((n) => (
                <option key={n.id} value={n.id}>
                  {`${t(nodeKinds[n.data.kind].palette.labelKey)}: ${nodeTitle(n.data)}`}
                </option>
              ))}
            </select>
          </label>
          {chosen?.target && (
            <p className="connect__wired">
              {t('connect.leadsTo', { title: titleOf(chosen.target) })}{' '}
              <button type="button" className="linkbtn" onClick={() => store.getState().disconnect(node.id, chosen.id)}>
                <Unlink size={13} aria-hidden /> {t('connect.disconnect')}
              </button>
            </p>
          )}
          {problem && chosen?.target !== target && (
            <p className="sf__errors" role="alert">
              {refText(t, problem, nodeName)}
            </p>
          )}
          <div className="dialog__actions">
            <button type="button" className="btn" onClick={close}>
              {t('common.cancel')}
            </button>
            <button type="submit" className="btn btn--primary" disabled={!port || !target || problem !== null}>
              {t('connect.submit')}
            </button>
          </div>
        </form>
      )}
      {ports.length === 0 && (
        <div className="dialog__actions">
          <button type="button" className="btn" onClick={close}>
            {t('common.close')}
          </button>
        </div>
      )}
    </dialog>
  );
}
