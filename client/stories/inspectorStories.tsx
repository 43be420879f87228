import type { ReactNode } from 'react';
import type { StoryObj } from '@storybook/react-vite';
import type { NodeKind } from '../../shared/journey/registry';
import { Inspector, type FieldFocus } from '../inspector/Inspector';
import { EditorFixture } from './EditorFixture';
import { journeyAround, storyNodeId } from './journeys';
import { sampleNode } from './library';

/** The journey page's sidebar, alone: panels render at their real width and scroll as they do there. */
export function SidebarFrame({ children, height = '100vh' }: { children: ReactNode; height?: number | string }) {
  return (
    <div style={{ display: 'flex', justifyContent: 'flex-end', height, background: '#f8fafc' }}>
      <aside className="sidebar" aria-label="Journey details">
        <div className="sidebar__body">{children}</div>
      </aside>
    </div>
  );
}

export interface InspectorStoryArgs {
  kind: NodeKind;
  /** the frame's height; default the viewport's */
  height?: number;
  title?: string;
  config: Record<string, unknown>;
  readOnly: boolean;
  /** a field the problems panel asked to show, e.g. `config.template` */
  focusField?: string;
}

/**
 * The inspector with one node of `kind` selected, inside the smallest valid
 * journey around it, validated live against the library: edit a field and
 * the compiler's messages appear beside it, as on the journey page.
 */
export function InspectorStory({ kind, title, config, readOnly, focusField, height }: InspectorStoryArgs) {
  const id = storyNodeId(kind);
  const focus: FieldFocus | null = focusField ? { nodeId: id, field: focusField, seq: 1 } : null;
  return (
    <EditorFixture graph={journeyAround(kind, config, title || undefined)} selected={[id]} readOnly={readOnly} validate>
      <SidebarFrame height={height}>
        <Inspector focus={focus} />
      </SidebarFrame>
    </EditorFixture>
  );
}

/** The story of `kind`'s inspector, with its blueprint sample. */
export function inspectorStory(kind: NodeKind): StoryObj<typeof InspectorStory> {
  const { title, config } = sampleNode(kind);
  return { args: { kind, title: title ?? '', config, readOnly: false } };
}
