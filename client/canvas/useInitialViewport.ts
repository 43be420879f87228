import { useEffect, useRef } from 'react';
import { getViewportForBounds, useReactFlow, useStore, type FitViewOptions } from '@xyflow/react';
import { useEditorStoreApi } from '../store/editorContext';

/** Below this zoom node text can't be read; a long journey opens at its entry instead. */
export const MIN_READABLE_ZOOM = 0.6;
export const FIT_PADDING = 0.12;
/** How the canvas fits the journey: the toolbar's fit button (and the opening fit's padding). */
export const fitViewOptions: FitViewOptions = { padding: FIT_PADDING, maxZoom: 1 };

/**
 * Fits the journey once its nodes are measured. A journey too tall to fit
 * readably opens at its top (the entry), centred, at the smallest readable
 * zoom; the minimap and controls reach the rest. A journey that opens empty
 * has nothing to fit: the first node dropped on it stays where it was dropped
 * (fitting it would centre it at zoom 1, under the operator's next drop).
 */
export function useInitialViewport(): void {
  // nodes carry an initial size (toFlow), so the view can be set before they are measured
  const initialized = useStore((s) => s.nodeLookup.size > 0);
  const width = useStore((s) => s.width);
  const height = useStore((s) => s.height);
  const { getNodes, getNodesBounds, setViewport } = useReactFlow();
  const store = useEditorStoreApi();
  const done = useRef(store.getState().nodes.length === 0);

  useEffect(() => {
    if (done.current || !initialized || !width || !height) return;
    done.current = true;
    const bounds = getNodesBounds(getNodes());
    const fit = getViewportForBounds(bounds, width, height, 0.1, 1, FIT_PADDING);
    if (fit.zoom >= MIN_READABLE_ZOOM) {
      void setViewport(fit);
      return;
    }
    const zoom = MIN_READABLE_ZOOM;
    void setViewport({ zoom, x: (width - bounds.width * zoom) / 2 - bounds.x * zoom, y: 32 - bounds.y * zoom });
  }, [initialized, width, height, getNodes, getNodesBounds, setViewport]);
}
