import type { Meta, StoryObj } from '@storybook/react-vite';
import { nodeKindNames } from '../../shared/journey/registry';
import { withMockServer, withStoryProviders } from '../stories/StoryProviders';
import { EditorFixture } from '../stories/EditorFixture';
import { InspectorStory, SidebarFrame, inspectorStory } from '../stories/inspectorStories';
import { blueprint1, storyNodeId } from '../stories/journeys';
import { sampleNode } from '../stories/library';
import { Inspector } from './Inspector';

/**
 * The selected node's form for every kind, generated from the registry's
 * schemas and validated live against the shipped library (client/stories).
 */
const meta = {
  title: 'Editor/Inspector',
  component: InspectorStory,
  decorators: [withStoryProviders],
  argTypes: { kind: { control: false }, height: { control: false } },
} satisfies Meta<typeof InspectorStory>;
export default meta;
type Story = StoryObj<typeof InspectorStory>;

export const SegmentEntry: Story = inspectorStory('trigger.segment');
export const EventEntry: Story = inspectorStory('trigger.event');
export const Wait: Story = inspectorStory('wait.duration');
export const WaitForTimeWindow: Story = inspectorStory('wait.until');
export const WaitForEvent: Story = inspectorStory('wait.event');
export const Branch: Story = inspectorStory('branch.condition');
export const RandomSplit: Story = inspectorStory('split.random');
/** With the template's rendered preview, one tab per A/B variant. */
export const SendMessage: Story = inspectorStory('send');
export const SetTrait: Story = inspectorStory('action.setTrait');
export const Exit: Story = inspectorStory('exit');

/** A branch whose only case has a bad port key, no label and no condition: each message sits under its field. */
export const WithFieldErrors: Story = {
  args: { kind: 'branch.condition', title: 'Showed intent?', config: { cases: [{ key: 'Warm lead', label: '', match: 'any', conditions: [] }] }, readOnly: false },
};

/** A reference check from the compiler (not the schema): the SMS has no template yet. */
export const SendWithoutTemplate: Story = { args: { ...inspectorStory('send').args, config: { ...sampleNode('send').config, template: '' } } };

/** Chosen from the problems panel: the field is scrolled to, focused and flashed. */
export const FocusedFromProblems: Story = { args: { ...SendWithoutTemplate.args, focusField: 'config.template' } };

/** An archived journey: every field is disabled, and so is delete. */
export const ReadOnly: Story = { args: { ...inspectorStory('send').args, readOnly: true } };

/** Nothing selected: the hint. */
export const NothingSelected: Story = {
  args: { kind: 'send', config: {}, readOnly: false },
  render: () => (
    <EditorFixture graph={blueprint1()}>
      <SidebarFrame>
        <Inspector focus={null} />
      </SidebarFrame>
    </EditorFixture>
  ),
};

/** Several nodes selected: one delete for all of them. */
export const SeveralSelected: Story = {
  args: { kind: 'send', config: {}, readOnly: false },
  render: () => (
    <EditorFixture graph={blueprint1()} selected={['sms_1', 'wait_login', 'call_1']}>
      <SidebarFrame>
        <Inspector focus={null} />
      </SidebarFrame>
    </EditorFixture>
  ),
};

/** Every kind of the registry side by side: a new kind shows up here before it has a story of its own. */
export const EveryKind: Story = {
  args: { kind: 'send', config: {}, readOnly: false },
  render: () => (
    <div style={{ display: 'flex', flexWrap: 'wrap', gap: 12, padding: 12 }}>
      {nodeKindNames.map((kind) => {
        const { title, config } = sampleNode(kind);
        return <InspectorStory key={storyNodeId(kind)} kind={kind} title={title} config={config} readOnly={false} height={720} />;
      })}
    </div>
  ),
};

/** The server cannot render the template: the preview says why, the form stays usable. */
export const SendPreviewFails: Story = {
  ...SendMessage,
  decorators: [
    withMockServer({
      handlers: {
        'templates.preview': () => {
          throw new Error('template "recall_sms" variant "a" does not render: Missing helper: "moneyy"');
        },
      },
    }),
  ],
};
