import type { Meta, StoryObj } from '@storybook/react-vite';
import { fn } from 'storybook/test';
import { EditorFixture } from '../stories/EditorFixture';
import { SidebarFrame } from '../stories/inspectorStories';
import { blueprint1, brokenBlueprint1 } from '../stories/journeys';
import { ProblemsPanel } from './ProblemsPanel';

const broken = brokenBlueprint1();

/** The draft's compile errors; choosing one calls `onFocus` (see the Actions panel). */
const meta = {
  title: 'Editor/Problems panel',
  component: ProblemsPanel,
  args: { onFocus: fn() },
} satisfies Meta<typeof ProblemsPanel>;
export default meta;
type Story = StoryObj<typeof meta>;

/**
 * Blueprint 1 after a careless edit, as the compiler reports it: node
 * problems (unreachable, unwired port), a field (the SMS template), an edge
 * (to a deleted node) and a setting (the goal's window).
 */
export const WithProblems: Story = {
  render: (args) => (
    <EditorFixture graph={broken.graph} problems={broken.problems}>
      <SidebarFrame>
        <ProblemsPanel {...args} />
      </SidebarFrame>
    </EditorFixture>
  ),
};

/** Blueprint 1 as shipped: nothing to fix, it can be published. */
export const NoProblems: Story = {
  render: (args) => (
    <EditorFixture graph={blueprint1()} validate>
      <SidebarFrame>
        <ProblemsPanel {...args} />
      </SidebarFrame>
    </EditorFixture>
  ),
};
