import { nodeTitle } from '../../shared/journey/graph';
import { refText, type MessageRef } from '../i18n/messageRef';
import { translatorFor } from '../i18n/testing';
import type { EditorStore } from './createEditorStore';

/** A store's notice or refusal in English, its nodes named by their titles: for tests. */
export function inEnglish(store: EditorStore, m: MessageRef | string | null | undefined): string | null {
  if (m === null || m === undefined) return null;
  return refText(translatorFor('en'), m, (id) => {
    const n = store.getState().nodes.find((x) => x.id === id);
    return n ? nodeTitle(n.data) : undefined;
  });
}
