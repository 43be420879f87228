import type { DragEvent } from 'react';
import { nodeKinds, paletteByGroup, type NodeKind } from '../../shared/journey/registry';
import { paletteIcon } from '../canvas/icons';
import { useT } from '../i18n/useT';
import { paletteGroupMessages } from '../i18n/registryMessages';

/** The drag payload type: a node kind moving from the palette onto the canvas. */
export const KIND_MIME = 'application/x-journey-node-kind';

/**
 * Every node kind, grouped as the registry groups them (Entry, Wait, Logic,
 * Messages, Actions). Drag one onto the canvas, or press it to drop it in the
 * middle of the view.
 */
export function Palette({ onAdd, disabled }: { onAdd: (kind: NodeKind) => void; disabled?: boolean }) {
  const t = useT();
  const start = (e: DragEvent, kind: NodeKind) => {
    e.dataTransfer.setData(KIND_MIME, kind);
    e.dataTransfer.effectAllowed = 'copy';
  };
  return (
    <nav className="palette" aria-label={t('palette.label')}>
      {paletteByGroup().map(({ group, kinds }) => (
        <section key={group} className="palette__group" aria-label={t(paletteGroupMessages[group])}>
          <h3 className={`palette__title palette__title--${group.toLowerCase()}`}>{t(paletteGroupMessages[group])}</h3>
          {kinds.map((kind) => {
            const p = nodeKinds[kind].palette;
            const Icon = paletteIcon(p.icon);
            return (
              <button
                key={kind}
                type="button"
                className={`palette__item palette__item--${group.toLowerCase()}`}
                draggable={!disabled}
                disabled={disabled}
                title={t(p.descriptionKey)}
                onDragStart={(e) => start(e, kind)}
                onClick={() => onAdd(kind)}
              >
                <Icon size={15} aria-hidden />
                {t(p.labelKey)}
              </button>
            );
          })}
        </section>
      ))}
    </nav>
  );
}
