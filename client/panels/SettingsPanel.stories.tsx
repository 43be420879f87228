import type { Meta, StoryObj } from '@storybook/react-vite';
import { withStoryProviders } from '../stories/StoryProviders';
import { EditorFixture } from '../stories/EditorFixture';
import { SidebarFrame } from '../stories/inspectorStories';
import { blueprint1 } from '../stories/journeys';
import { SettingsPanel } from './SettingsPanel';

/** Journey settings: entry window, re-entry, exit criteria, goals, mutual-exclusion group. */
const meta = {
  title: 'Editor/Settings panel',
  component: SettingsPanel,
  decorators: [withStoryProviders],
} satisfies Meta<typeof SettingsPanel>;
export default meta;
type Story = StoryObj<typeof meta>;

/** Blueprint 1's settings: goal app_login within 7 days, exclusion group "recall". */
export const Blueprint1: Story = {
  render: () => (
    <EditorFixture graph={blueprint1()} validate>
      <SidebarFrame>
        <SettingsPanel />
      </SidebarFrame>
    </EditorFixture>
  ),
};

/** A draft whose goal has a 0-day attribution window: the live compiler's message sits beside the field. */
export const WithProblems: Story = {
  render: () => {
    const g = blueprint1();
    const graph = { ...g, settings: { ...g.settings, goals: [{ event: 'app_login', filter: [], windowDays: 0 }] } };
    return (
      <EditorFixture graph={graph} validate>
        <SidebarFrame>
          <SettingsPanel />
        </SidebarFrame>
      </EditorFixture>
    );
  },
};

/** An archived journey: the settings can be read, not changed. */
export const ReadOnly: Story = {
  render: () => (
    <EditorFixture graph={blueprint1()} readOnly>
      <SidebarFrame>
        <SettingsPanel />
      </SidebarFrame>
    </EditorFixture>
  ),
};
