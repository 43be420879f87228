import type { MessageRef } from '../../i18n/messageRef';
import type { StateCreator } from 'zustand';
import type { EditorState } from '../createEditorStore';

/** A message the canvas shows until dismissed or replaced: why an action was refused, what it did instead. */
export interface Notice {
  /** worded when shown (client/i18n/messageRef.ts); a string is shown as it is */
  message: MessageRef | string;
  /** a refusal is announced at once (an alert); news of what was done politely */
  tone: 'refused' | 'done';
  /** bumped by every notice, so the same refusal twice is announced twice */
  seq: number;
}

/**
 * The canvas's own view state beside the graph: the last notice, and the node
 * whose ports the keyboard "Connect" dialog is wiring. Not history: undo
 * never brings either back.
 */
export interface NoticeSlice {
  notice: Notice | null;
  showNotice: (message: MessageRef | string, tone?: Notice['tone']) => void;
  dismissNotice: () => void;
  /** the node the Connect dialog is open for, or null */
  connectingFrom: string | null;
  openConnect: (nodeId: string) => void;
  closeConnect: () => void;
}

export const createNoticeSlice: StateCreator<EditorState, [['temporal', unknown]], [], NoticeSlice> = (set, get) => ({
  notice: null,
  showNotice: (message, tone = 'refused') => set({ notice: { message, tone, seq: (get().notice?.seq ?? 0) + 1 } }),
  dismissNotice: () => set({ notice: null }),
  connectingFrom: null,
  openConnect: (nodeId) => {
    if (!get().readOnly && get().nodes.some((n) => n.id === nodeId)) set({ connectingFrom: nodeId });
  },
  closeConnect: () => set({ connectingFrom: null }),
});
