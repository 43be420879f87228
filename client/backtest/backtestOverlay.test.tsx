import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderToStaticMarkup } from 'react-dom/server';
import { ReactFlowProvider, type NodeProps } from '@xyflow/react';
import { useState, type ComponentType } from 'react';
import { aGraph } from '../../shared/fixtures/builders';
import type { BacktestNode, BacktestResult, BacktestRun } from '../../shared/backtest/result';
import type { JourneyFlowNode } from '../mapping/flowTypes';
import { EditorStoreProvider, useEditorStoreApi } from '../store/editorContext';
import type { EditorStore } from '../store/createEditorStore';
import type { NodeOverlay } from '../store/slices/overlaySlice';
import { nodeTypes } from '../canvas/nodeTypes';
import { backtestLegend, backtestToCanvas, comparisonLines, phaseText, showsBacktest } from './backtestOverlay';
import { translatorFor } from '../i18n/testing';
import { I18nProvider } from '../i18n/I18nProvider';
import type { ReactNode } from 'react';

/** Rendered as the app renders it: inside the IntlProvider, in English. */
const inEnglish = (node: ReactNode): string => renderToStaticMarkup(<I18nProvider locale="en">{node}</I18nProvider>);
import { BacktestControls } from './BacktestControls';
import type { Backtest, BacktestState } from './useBacktest';

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
const run = (label: string, sms: number): BacktestRun => ({
  label,
  version: label === 'draft' ? null : 3,
  entered: 1000,
  nodes: {
    entry: node({ entered: 1000, converted: 120, conversionRate: 0.12 }),
    sms: node({ entered: 950, channel: 'sms', sent: sms, withheld: { 'quiet_hours:21:00-09:00': 12, 'opted_out:sms': 3 }, converted: 90, conversionRate: 90 / 950 }),
    done: node({ entered: 950, exited: 950, exitReasons: { completed: 950 } }),
  },
  edges: [{ source: 'entry', port: 'next', count: 950 }],
  byChannel: [{ channel: 'sms', sent: sms, withheld: 15, deferred: 0 }],
  goals: { app_login: 120 },
  exits: { completed: 950 },
  ticks: 40,
  seconds: 1.5,
});
const result: BacktestResult = {
  from: FROM,
  to: TO,
  goal: 'app_login',
  contacts: 1200,
  events: 3400,
  draft: run('draft', 820),
  live: run('v3', 1000),
  comparison: [
    { what: 'entered', draft: 1000, live: 1000, change: 0 },
    { what: 'sms sent', draft: 820, live: 1000, change: -0.18 },
  ],
  seconds: { copy: 0.4, total: 3.2 },
  threads: 1,
};

/**
 * Puts `overlay` in the store while rendering, before the node beside it reads
 * it: a static render runs no effects, and reads a zustand store's initial
 * state (its server snapshot), so that is pointed at the current one.
 */
function SeedOverlay({ overlay }: { overlay: Record<string, NodeOverlay> }) {
  const store = useEditorStoreApi();
  useState(() => seed(store, overlay));
  return null;
}

function seed(store: EditorStore, overlay: Record<string, NodeOverlay>): void {
  store.getState().setOverlay(overlay);
  store.getInitialState = store.getState;
}

/** A send node on a canvas whose store holds `overlay` for it, rendered to HTML. */
function renderSendNode(overlay: NodeOverlay): string {
  const graph = aGraph().node('entry', 'trigger.event', { event: 'x' }).node('sms', 'send', { channel: 'sms', template: 'recall_sms' }).then('entry', 'sms').build();
  const Component = nodeTypes.send as ComponentType<NodeProps<JourneyFlowNode>>;
  const props = { id: 'sms', type: 'send', data: { kind: 'send', config: { channel: 'sms', template: 'recall_sms' } }, selected: false } as unknown as NodeProps<JourneyFlowNode>;
  return inEnglish(
    <EditorStoreProvider initial={{ graph, problems: [] }}>
      <SeedOverlay overlay={{ sms: overlay }} />
      <ReactFlowProvider>
        <Component {...props} />
      </ReactFlowProvider>
    </EditorStoreProvider>,
  );
}

const state = (latest: Partial<Backtest> | null, shown: boolean): BacktestState => ({
  latest: latest && {
    id: 'b1',
    journeyId: 'j',
    status: 'done',
    progress: 1,
    phase: null,
    from: FROM,
    to: TO,
    liveVersion: 3,
    startedBy: 'op',
    startedAt: TO,
    finishedAt: TO,
    cancelledBy: null,
    error: null,
    result,
    stale: false,
    ...latest,
  },
  shown,
  show: () => {},
  start: () => {},
  cancel: () => {},
  starting: false,
  error: null,
});

describe('backtest numbers on the canvas', () => {
  it('are marked as a backtest, per node and per edge of the canvas, with what the policy withheld', () => {
    const shown = backtestToCanvas(result.draft, [{ id: 'e1', source: 'entry', sourceHandle: 'next' }]);
    expect(shown.nodes.sms).toEqual({ entered: 950, waiting: 0, sent: 820, converted: 90, conversionRate: 90 / 950, backtest: { withheld: 15, exited: 0 } });
    expect(shown.nodes.entry).not.toHaveProperty('sent');
    expect(shown.nodes.done?.backtest).toEqual({ withheld: 0, exited: 950 });
    expect(shown.edges).toEqual({ e1: 950 });
    expect(showsBacktest(shown.nodes)).toBe(true);
    expect(showsBacktest({ sms: { entered: 1, waiting: 0, converted: 0, conversionRate: null } })).toBe(false);
    expect(showsBacktest(null)).toBe(false);
  });

  it('draw in the backtest colour, never on the live conversion scale, and are named as backtest numbers', () => {
    const overlay = backtestToCanvas(result.draft, []).nodes.sms;
    if (!overlay) throw new Error('no sms node');
    const html = renderSendNode(overlay);
    expect(html).toContain('jn__overlay--backtest');
    expect(html).not.toMatch(/jn__overlay--band\d/);
    expect(html).toContain('aria-label="Backtest numbers"');
    expect(html).toContain('<dt>withheld</dt><dd>15</dd>');
    // the same numbers without the mark are live ones: the conversion scale, "Node numbers"
    const { backtest: _, ...live } = overlay;
    const liveHtml = renderSendNode(live);
    expect(liveHtml).toMatch(/jn__overlay--band\d/);
    expect(liveHtml).toContain('aria-label="Node numbers"');
    expect(liveHtml).not.toContain('jn__overlay--backtest');
  });

  it('have a colour of their own in the stylesheet, unlike any conversion band', () => {
    const css = readFileSync(new URL('../styles.css', import.meta.url), 'utf8');
    const rule = /\.jn__overlay--backtest \{([^}]*)\}/.exec(css)?.[1] ?? '';
    expect(rule).toContain('var(--backtest');
    const bands = [...css.matchAll(/\.jn__overlay--band\d \{ background: (#[0-9a-f]+); \}/g)].map((m) => m[1]);
    expect(bands.length).toBe(5);
    const backtest = /--backtest-bg: (#[0-9a-f]+)/.exec(css)?.[1];
    expect(bands).not.toContain(backtest);
  });
});

describe('the backtest bar', () => {
  it('says over which days and that the numbers are not live', () => {
    const t = translatorFor('en');
    expect(backtestLegend(t, FROM, TO)).toBe('Backtest over 2026-11-20 … 12-04, not live');
    expect(backtestLegend(t, Date.UTC(2025, 11, 25), Date.UTC(2026, 0, 8))).toBe('Backtest over 2025-12-25 … 2026-01-07, not live');
    expect(backtestLegend(translatorFor('zh-CN'), FROM, TO)).toBe('回测 2026-11-20 … 12-04，非实时数据');
    const html = inEnglish(<BacktestControls backtest={state({}, true)} canRun onShow={() => {}} now={TO} />);
    expect(html).toContain('Backtest over 2026-11-20 … 12-04, not live');
    expect(html).toContain('btc__swatch');
    expect(html).toContain('aria-pressed="true"');
  });

  it('compares with the live version, the biggest change first', () => {
    expect(comparisonLines(translatorFor('en'), result)).toEqual(['SMS sent: 18% fewer than v3', 'entered: the same as v3']);
    const html = inEnglish(<BacktestControls backtest={state({}, false)} canRun={false} onShow={() => {}} now={TO} />);
    expect(html).toContain('SMS sent: 18% fewer than v3');
    // hidden: no legend; a viewer gets no Backtest button, only the switch
    expect(html).not.toContain('not live');
    expect(html).not.toContain('>Backtest<');
  });

  it('says the comparison, the phase and the sends in Chinese (issue 18)', () => {
    const zh = translatorFor('zh-CN');
    const withGoal = { ...result, comparison: [...result.comparison, { what: 'reached app_login', draft: 3, live: 0, change: null }] };
    expect(comparisonLines(zh, withGoal)).toEqual(['短信发送：比 v3 少 18%', '进入：与 v3 持平', '达成 app_login：3（v3：无）']);
    expect(['starting', 'copying', 'replaying draft', 'replaying v3'].map((p) => phaseText(zh, p))).toEqual(['正在启动', '正在复制数据', '正在重放草稿', '正在重放 v3']);
    const html = renderToStaticMarkup(
      <I18nProvider locale="zh-CN">
        <BacktestControls backtest={state({}, false)} canRun={false} onShow={() => {}} now={TO} />
      </I18nProvider>,
    );
    expect(html).toContain('短信 820 条');
    expect(html).not.toMatch(/\bsms\b/);
  });

  it('shows progress and Cancel while running, and says when the draft changed since', () => {
    const running = inEnglish(<BacktestControls backtest={state({ status: 'running', progress: 0.42, phase: 'replaying draft', result: null }, false)} canRun onShow={() => {}} now={TO} />);
    expect(running).toContain('42% replaying the draft');
    expect(running).toContain('Cancel');
    const stale = inEnglish(<BacktestControls backtest={state({ stale: true }, false)} canRun onShow={() => {}} now={TO} />);
    expect(stale).toContain('The draft has changed since');
  });
});
