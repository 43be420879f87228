import type { Meta } from '@storybook/react-vite';
import { nodeStories, type NodeStory } from '../../stories/nodeStories';

const s = nodeStories('wait.duration');
const meta = { title: 'Canvas/Nodes/Wait', ...s.meta } satisfies Meta<typeof NodeStory>;
export default meta;

/** The blueprint's own node, as the canvas draws it. */
export const Normal = s.Normal;
/** Chosen on the canvas: the inspector shows its form. */
export const Selected = s.Selected;
/** What the live compiler reports for it standing alone: badge, red frame, unwired ports marked. */
export const WithErrors = s.WithErrors;
/** The analytics overlay: entered, waiting, sent, converted and the conversion tint. */
export const WithOverlay = s.WithOverlay;
