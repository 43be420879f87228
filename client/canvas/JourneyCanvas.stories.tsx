import type { Meta, StoryObj } from '@storybook/react-vite';
import { aGraph } from '../../shared/fixtures/builders';
import { withStoryProviders } from '../stories/StoryProviders';
import { EditorFixture } from '../stories/EditorFixture';
import { StoryEditor } from '../stories/StoryEditor';
import { blueprint1, blueprint1EdgeCounts, blueprint1Overlay, brokenBlueprint1 } from '../stories/journeys';
import { JourneyCanvas } from './JourneyCanvas';

/**
 * The editor over blueprint 1 (registered, never logged in): palette,
 * canvas and sidebar on one editor store, validated live against the
 * shipped library. Edits stay in the story (there is no autosave here).
 */
const meta = {
  title: 'Editor/Journey editor',
  component: JourneyCanvas,
  decorators: [withStoryProviders],
} satisfies Meta<typeof JourneyCanvas>;
export default meta;
type Story = StoryObj<typeof meta>;

export const Blueprint1: Story = {
  render: () => (
    <EditorFixture graph={blueprint1()} validate>
      <StoryEditor />
    </EditorFixture>
  ),
};

/** The recall SMS selected: its form and the rendered A/B copy. */
export const Blueprint1SmsSelected: Story = {
  render: () => (
    <EditorFixture graph={blueprint1()} selected={['sms_1']} validate>
      <StoryEditor />
    </EditorFixture>
  ),
};

/** A month of analytics on every node: entered, waiting, sent, converted, tinted by conversion. */
export const WithOverlay: Story = {
  render: () => (
    <EditorFixture graph={blueprint1()} overlay={blueprint1Overlay} edgeCounts={blueprint1EdgeCounts} validate>
      <StoryEditor />
    </EditorFixture>
  ),
};

/** After a careless edit: badged nodes, a marked port, and the problems tab listing them. */
export const WithProblems: Story = {
  render: () => (
    <EditorFixture graph={brokenBlueprint1().graph} validate>
      <StoryEditor initialTab="problems" />
    </EditorFixture>
  ),
};

/** An archived journey: nothing can be added, moved, wired or edited. */
export const ReadOnly: Story = {
  render: () => (
    <EditorFixture graph={blueprint1()} readOnly validate>
      <StoryEditor />
    </EditorFixture>
  ),
};

/** A wire dragged from a port that already has one: refused, and the canvas says why (an output port holds one edge). */
export const RefusedWire: Story = {
  render: () => (
    <EditorFixture
      graph={blueprint1()}
      notice={'The "timeout" port of "Logged in within 3 days?" already leads to "Robo-call": an output port holds one edge. Delete that edge first (select it and press Delete), then connect again.'}
      validate
    >
      <StoryEditor />
    </EditorFixture>
  ),
};

/** Wiring without a mouse: C on a selected node (or the inspector's Connect button) opens this dialog. */
export const ConnectWithKeyboard: Story = {
  render: () => (
    <EditorFixture graph={blueprint1()} selected={['wait_login']} connecting="wait_login" validate>
      <StoryEditor />
    </EditorFixture>
  ),
};

/** A new journey: the canvas says where to start. */
export const Empty: Story = {
  render: () => (
    <EditorFixture graph={aGraph().build()} validate>
      <StoryEditor />
    </EditorFixture>
  ),
};

/** The canvas alone (toolbar, minimap, controls), without palette or sidebar. */
export const CanvasOnly: Story = {
  render: () => (
    <EditorFixture graph={blueprint1()} validate>
      <div style={{ display: 'flex', height: '100vh' }}>
        <JourneyCanvas />
      </div>
    </EditorFixture>
  ),
};
