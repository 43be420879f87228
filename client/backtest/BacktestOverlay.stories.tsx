import type { Meta, StoryObj } from '@storybook/react-vite';
import { withStoryProviders } from '../stories/StoryProviders';
import { EditorFixture } from '../stories/EditorFixture';
import { StoryEditor } from '../stories/StoryEditor';
import { blueprint1 } from '../stories/journeys';
import type { BacktestNode, BacktestResult, BacktestRun } from '../../shared/backtest/result';
import { BacktestControls } from './BacktestControls';
import { backtestToCanvas } from './backtestOverlay';
import type { Backtest, BacktestState } from './useBacktest';

/**
 * Blueprint 1's draft replayed over two past weeks: the backtest's numbers on
 * every node in their own striped colour (never the live conversion greens),
 * the bar above with the legend "Backtest over …, not live", and the draft
 * against the live version over the same window.
 */

const FROM = Date.UTC(2026, 10, 20);
const TO = Date.UTC(2026, 11, 5);
const node = (n: Partial<BacktestNode>): BacktestNode => ({
  entered: 0,
  waiting: 0,
  exited: 0,
  exitReasons: {},
  channel: null,
  sent: 0,
  withheld: {},
  deferred: {},
  reached: {},
  converted: 0,
  conversionRate: null,
  ...n,
});
const rate = (c: number, e: number) => (e > 0 ? c / e : null);

function aRun(label: string, calls: number): BacktestRun {
  const nodes: Record<string, BacktestNode> = {
    entry: node({ entered: 31_240, converted: 4_120, conversionRate: rate(4_120, 31_240) }),
    holdout: node({ entered: 31_240, exited: 1_562, exitReasons: { holdout: 1_562 }, converted: 4_120, conversionRate: rate(4_120, 31_240) }),
    sms_1: node({
      entered: 29_678,
      channel: 'sms',
      sent: 28_904,
      withheld: { 'opted_out:sms': 774 },
      deferred: { 'quiet_hours:21:00-09:00': 6_112 },
      converted: 3_980,
      conversionRate: rate(3_980, 29_678),
    }),
    wait_login: node({ entered: 29_678, waiting: 2_310, converted: 3_980, conversionRate: rate(3_980, 29_678) }),
    exit_recalled: node({ entered: 3_402, exited: 3_402, exitReasons: { recalled: 3_402 }, converted: 3_402, conversionRate: 1 }),
    call_1: node({ entered: calls, channel: 'voice', sent: calls - 420, withheld: { 'cap:all:2/24h': 420 }, converted: 410, conversionRate: rate(410, calls) }),
    wait_2d: node({ entered: calls - 420, waiting: 1_870, converted: 160, conversionRate: rate(160, calls - 420) }),
    exit_done: node({ entered: calls - 2_290, exited: calls - 2_290, exitReasons: { completed: calls - 2_290 }, converted: 120, conversionRate: rate(120, calls - 2_290) }),
  };
  return {
    label,
    version: label === 'draft' ? null : 3,
    entered: 31_240,
    nodes,
    edges: [
      { source: 'entry', port: 'next', count: 31_240 },
      { source: 'holdout', port: 'send', count: 29_678 },
      { source: 'sms_1', port: 'next', count: 29_678 },
      { source: 'wait_login', port: 'event', count: 3_402 },
      { source: 'wait_login', port: 'timeout', count: calls },
      { source: 'call_1', port: 'next', count: calls - 420 },
      { source: 'wait_2d', port: 'next', count: calls - 2_290 },
    ],
    byChannel: [
      { channel: 'sms', sent: 28_904, withheld: 774, deferred: 6_112 },
      { channel: 'voice', sent: calls - 420, withheld: 420, deferred: 0 },
    ],
    goals: { app_login: 4_120 },
    exits: { holdout: 1_562, recalled: 3_402, completed: calls - 2_290 },
    ticks: 212,
    seconds: 3.8,
  };
}

const result: BacktestResult = {
  from: FROM,
  to: TO,
  goal: 'app_login',
  contacts: 33_018,
  events: 61_540,
  draft: aRun('draft', 23_966),
  live: aRun('v3', 29_213),
  comparison: [
    { what: 'entered', draft: 31_240, live: 31_240, change: 0 },
    { what: 'sms sent', draft: 28_904, live: 28_904, change: 0 },
    { what: 'voice sent', draft: 23_546, live: 28_793, change: 23_546 / 28_793 - 1 },
    { what: 'reached app_login', draft: 4_120, live: 4_120, change: 0 },
  ],
  seconds: { copy: 0.6, total: 8.2 },
  threads: 1,
};

const backtest = (over: Partial<Backtest>, shown: boolean): BacktestState => ({
  latest: {
    id: 'b1',
    journeyId: 'j',
    status: 'done',
    progress: 1,
    phase: null,
    from: FROM,
    to: TO,
    liveVersion: 3,
    startedBy: 'Ops Lin',
    startedAt: TO,
    finishedAt: TO,
    cancelledBy: null,
    error: null,
    result,
    stale: false,
    ...over,
  },
  shown,
  show: () => {},
  start: () => {},
  cancel: () => {},
  starting: false,
  error: null,
});

const canvasEdges = blueprint1().edges.map((e) => ({ id: e.id, source: e.source, sourceHandle: e.sourcePort }));
const shown = backtestToCanvas(result.draft, canvasEdges);

const meta = {
  title: 'Editor/Backtest overlay',
  component: BacktestControls,
  decorators: [withStoryProviders],
  args: { backtest: backtest({}, true), canRun: true, onShow: () => {}, now: TO },
} satisfies Meta<typeof BacktestControls>;
export default meta;
type Story = StoryObj<typeof meta>;

/** The draft's backtest on the canvas: striped fuchsia strips, the legend, and "voice sent: 18% fewer than v3". */
export const OnTheCanvas: Story = {
  render: (args) => (
    <EditorFixture graph={blueprint1()} overlay={shown.nodes} edgeCounts={shown.edges} validate>
      <BacktestControls {...args} />
      <StoryEditor />
    </EditorFixture>
  ),
};

/** While it runs: how far it is, and Cancel. */
export const Running: Story = {
  args: { backtest: backtest({ status: 'running', progress: 0.46, phase: 'replaying draft', result: null, finishedAt: null }, false) },
};

/** Done, hidden (the live numbers may be on), and the draft edited since. */
export const StaleAndHidden: Story = {
  args: { backtest: backtest({ stale: true }, false) },
};
