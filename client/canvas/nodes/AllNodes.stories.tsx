import type { Meta, StoryObj } from '@storybook/react-vite';
import { AllKindsStory } from '../../stories/nodeStories';

/** Every kind of the registry side by side, per state: a kind added to the registry appears here with no story of its own yet. */
const meta = {
  title: 'Canvas/Nodes/All kinds',
  component: AllKindsStory,
  args: { state: 'normal' },
  argTypes: { state: { control: 'inline-radio', options: ['normal', 'selected', 'errors', 'overlay'] } },
} satisfies Meta<typeof AllKindsStory>;
export default meta;
type Story = StoryObj<typeof meta>;

export const Normal: Story = {};
export const Selected: Story = { args: { state: 'selected' } };
export const WithErrors: Story = { args: { state: 'errors' } };
export const WithOverlay: Story = { args: { state: 'overlay' } };
