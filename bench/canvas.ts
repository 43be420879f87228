/**
 * `npm run bench:canvas`: the journey canvas with a 200-node journey, in
 * Debian's headless Chromium. Prints a table and writes bench/canvas-results.json.
 *
 * Set-up: the built client (rebuilt when stale), the real server on a
 * temporary SQLite file, one generated journey of 200 nodes (segment entry →
 * random split into four lanes of send / wait-for-event / wait / branch /
 * set-trait / exit units; it compiles without a problem), laid out by the
 * client's own dagre layout and saved through tRPC.
 * Figures:
 * - first render: navigation start → the moment (performance.now() in a
 *   requestAnimationFrame check) all 200 nodes are in the DOM and drawn
 *   (visible) and the initial viewport is set. Nodes carry an initial size
 *   (240 × 100), so React Flow draws them at once and measures them right
 *   after (an edge may then move a few pixels); before that change the same
 *   figure waited for the measurement and was ~390 ms. The canvas does not
 *   cull (no `onlyRenderVisibleElements`), so this is all 200 nodes, not only
 *   those on screen. One cold load, then warm loads (HTTP cache primed); the
 *   warm median is compared with the target. The breakdown says when the
 *   journey's data arrived and when the nodes were mounted and measured.
 * - drag: the node nearest the middle of the visible canvas, held with the
 *   mouse and circled for ~2 s (after a 0.5 s warm-up drag); the page records
 *   requestAnimationFrame timestamps, whose deltas are the frame times (p50 /
 *   p95 / max / count, and frames dropped). Chromium's own counters
 *   (Performance.getMetrics) give the main thread's busy time per frame, the
 *   headroom the frame times cannot show; frames in which the node was drawn
 *   somewhere new prove the drag moved it.
 * Headless Chromium runs with --disable-gpu, so it rasterizes in software.
 * BENCH_NODES (default 200), BENCH_WARM_LOADS (default 5), BENCH_DRAG_MS
 * (default 2000), BENCH_SCREENSHOT=<file.png> (the canvas after loading).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from 'playwright-core';
import { signIn, testAdmin, trpcClient } from '../server/testing/signIn';
import { startServer } from '../server/app';
import { ensureClientBuilt } from '../server/build';
import { aGraph } from '../shared/fixtures/builders';
import type { JourneyGraph } from '../shared/journey/graph';
import { layoutNodes } from '../client/mapping/layout';
import { chromiumArgs, chromiumPath } from '../e2e/harness';

const NODES = Number(process.env.BENCH_NODES ?? 200);
const WARM_LOADS = Number(process.env.BENCH_WARM_LOADS ?? 5);
const DRAG_MS = Number(process.env.BENCH_DRAG_MS ?? 2000);
const VIEWPORT = { width: 1400, height: 900 };
const TARGETS = { firstRenderMs: 300, dragFrameP95Ms: 16.7 };
/**
 * rAF timestamps of back-to-back 60 Hz frames read 16.6–16.8 ms (vsync jitter),
 * so a p95 within this much of 16.7 ms is still one frame per frame; a dropped
 * frame shows as ~33 ms and is counted separately (`late`).
 */
const FRAME_JITTER_MS = 0.5;
const here = dirname(fileURLToPath(import.meta.url));

const percentile = (xs: readonly number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? 0;
};
const median = (xs: readonly number[]) => percentile(xs, 50);
const r1 = (n: number) => Math.round(n * 10) / 10;

/**
 * A journey of exactly `n` nodes that compiles: entry → split into four lanes;
 * each lane a chain of units (send → wait for login, login → exit; wait a day
 * → branch, yes → exit; set trait), ending in an exit.
 */
function generatedJourney(n: number): JourneyGraph {
  const lanes = ['a', 'b', 'c', 'd'];
  const b = aGraph()
    .node('entry', 'trigger.segment', { segment: 'registered_never_logged_in' }, 'Registered, never logged in')
    .node('split', 'split.random', { arms: lanes.map((key) => ({ key, label: key.toUpperCase(), weight: 25 })) }, 'Four lanes')
    .then('entry', 'split');
  let count = 2;
  const tails = lanes.map((lane) => ({ node: 'split', port: lane }));
  const attach = (lane: number, id: string) => {
    const t = tails[lane] as { node: string; port: string };
    b.then(t.node, id, t.port);
  };
  const sends = [
    { channel: 'sms', template: 'recall_sms' },
    { channel: 'push', template: 'idle_push' },
    { channel: 'voice', template: 'recall_call' },
  ] as const;
  const unitSize = [3, 3, 1];
  let u = 0;
  // one final exit per lane is kept in reserve
  for (let lane = 0; count + (unitSize[u % 3] as number) + lanes.length <= n; lane = (lane + 1) % lanes.length, u++) {
    const i = u;
    switch (u % 3) {
      case 0: {
        const s = sends[Math.floor(i / 3) % sends.length] as (typeof sends)[number];
        b.node(`send_${i}`, 'send', { ...s }, `Send ${s.channel} ${i}`)
          .node(`wait_${i}`, 'wait.event', { event: 'app_login', timeout: { amount: 1, unit: 'days' } }, `Logged in? ${i}`)
          .node(`won_${i}`, 'exit', { reason: 'recalled' }, `Recalled ${i}`)
          .then(`send_${i}`, `wait_${i}`)
          .then(`wait_${i}`, `won_${i}`, 'event');
        attach(lane, `send_${i}`);
        tails[lane] = { node: `wait_${i}`, port: 'timeout' };
        count += 3;
        break;
      }
      case 1:
        b.node(`pause_${i}`, 'wait.duration', { amount: 1, unit: 'days' }, `Wait a day ${i}`)
          .node(`branch_${i}`, 'branch.condition', {}, `Active? ${i}`)
          .node(`done_${i}`, 'exit', { reason: 'active' }, `Active ${i}`)
          .then(`pause_${i}`, `branch_${i}`)
          .then(`branch_${i}`, `done_${i}`, 'yes');
        attach(lane, `pause_${i}`);
        tails[lane] = { node: `branch_${i}`, port: 'else' };
        count += 3;
        break;
      default:
        b.node(`trait_${i}`, 'action.setTrait', { trait: 'journey_stage', value: `stage_${i}` }, `Stage ${i}`);
        attach(lane, `trait_${i}`);
        tails[lane] = { node: `trait_${i}`, port: 'next' };
        count += 1;
    }
  }
  // pad with set-trait nodes to exactly n, then close every lane
  for (let lane = 0; count + lanes.length < n; lane = (lane + 1) % lanes.length, u++) {
    b.node(`trait_${u}`, 'action.setTrait', { trait: 'journey_stage', value: `pad_${u}` }, `Stage ${u}`);
    attach(lane, `trait_${u}`);
    tails[lane] = { node: `trait_${u}`, port: 'next' };
    count++;
  }
  lanes.forEach((lane, i) => {
    b.node(`end_${lane}`, 'exit', { reason: 'completed' }, `End of lane ${lane.toUpperCase()}`);
    attach(i, `end_${lane}`);
  });
  const graph = b.build();
  // where an operator's tidy-up would put them (the canvas would lay out overlapping positions itself)
  return { ...graph, nodes: layoutNodes(graph.nodes, graph.edges) };
}

/** Runs in the page before its scripts: watches every frame until the canvas is complete, and records frames on demand. */
export const instrument = (expected: number) => {
  const w = window as unknown as Record<string, unknown>;
  const marks: Record<string, number> = {};
  w.__bench = { marks, frames: [] as number[], recording: false };
  const identity = (t: string) => t === '' || t === 'translate(0px, 0px) scale(1)';
  // performance.now() when the check runs, not the frame's timestamp: after a long task the
  // frame's begin time is earlier than the work it waited for, and would flatter the figure
  const watch = () => {
    const t = performance.now();
    const nodes = document.querySelectorAll<HTMLElement>('.react-flow__node');
    if (nodes.length > 0 && marks.firstNode === undefined) marks.firstNode = t;
    if (nodes.length >= expected && marks.allMounted === undefined) marks.allMounted = t;
    if (marks.allMounted !== undefined && marks.allMeasured === undefined) {
      let visible = 0;
      for (const n of nodes) if (n.style.visibility !== 'hidden') visible++;
      if (visible >= expected) marks.allMeasured = t;
    }
    const vp = document.querySelector<HTMLElement>('.react-flow__viewport');
    if (marks.allMeasured !== undefined && vp && !identity(vp.style.transform)) {
      marks.ready = t;
      marks.nodesInDom = nodes.length;
      return;
    }
    requestAnimationFrame(watch);
  };
  requestAnimationFrame(watch);
  const b = w.__bench as { frames: number[]; moved: number; recording: boolean; node: HTMLElement | null; last: string };
  const record = (t: number) => {
    if (!b.recording) return;
    b.frames.push(t);
    // frames in which the held node was drawn somewhere new: proof the drag really moves it
    const now = b.node?.style.transform ?? '';
    if (now !== b.last) b.moved++;
    b.last = now;
    requestAnimationFrame(record);
  };
  w.__startFrames = (nodeId: string) => {
    b.frames = [];
    b.moved = 0;
    b.node = document.querySelector<HTMLElement>(`.react-flow__node[data-id="${CSS.escape(nodeId)}"]`);
    b.last = b.node?.style.transform ?? '';
    b.recording = true;
    requestAnimationFrame(record);
  };
  w.__stopFrames = () => {
    b.recording = false;
    return { frames: b.frames, moved: b.moved };
  };
};

interface LoadFigures {
  readyMs: number;
  firstNodeMs: number;
  allMountedMs: number;
  allMeasuredMs: number;
  journeyFetchedMs: number;
  domContentLoadedMs: number;
  nodesInDom: number;
}

export async function measureLoad(page: Page, url: string): Promise<LoadFigures> {
  await page.goto(url);
  await page.waitForFunction(() => (window as unknown as { __bench: { marks: { ready?: number } } }).__bench.marks.ready !== undefined, null, { timeout: 60_000 });
  return page.evaluate(() => {
    const m = (window as unknown as { __bench: { marks: Record<string, number> } }).__bench.marks;
    const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
    const journey = performance.getEntriesByType('resource').filter((r) => r.name.includes('journeys.get')) as PerformanceResourceTiming[];
    return {
      readyMs: m.ready ?? NaN,
      firstNodeMs: m.firstNode ?? NaN,
      allMountedMs: m.allMounted ?? NaN,
      allMeasuredMs: m.allMeasured ?? NaN,
      journeyFetchedMs: journey[0]?.responseEnd ?? NaN,
      domContentLoadedMs: nav.domContentLoadedEventEnd,
      nodesInDom: m.nodesInDom ?? 0,
    };
  });
}

/** The centre of the node title nearest the middle of the canvas, among nodes fully on screen. */
async function nodeToDrag(page: Page): Promise<{ id: string; x: number; y: number }> {
  return page.evaluate(() => {
    const rect = document.querySelector('.react-flow__pane')?.getBoundingClientRect();
    if (!rect) throw new Error('no canvas');
    // the part of the canvas inside the window (the pane can reach below it: see the report on .journey's height)
    const pane = { left: rect.left, right: Math.min(rect.right, window.innerWidth), top: rect.top, bottom: Math.min(rect.bottom, window.innerHeight) };
    const cx = (pane.left + pane.right) / 2;
    const cy = (pane.top + pane.bottom) / 2;
    let best: { id: string; x: number; y: number; d: number } | null = null;
    for (const n of document.querySelectorAll<HTMLElement>('.react-flow__node')) {
      const r = n.getBoundingClientRect();
      if (r.left < pane.left + 40 || r.right > pane.right - 40 || r.top < pane.top + 20 || r.bottom > pane.bottom - 40) continue;
      const t = (n.querySelector('.jn__title') ?? n).getBoundingClientRect();
      const x = t.left + t.width / 2;
      const y = t.top + t.height / 2;
      const d = Math.hypot(x - cx, y - cy);
      if (!best || d < best.d) best = { id: n.dataset.id ?? '', x, y, d };
    }
    if (!best) throw new Error('no node fully on screen');
    return { id: best.id, x: best.x, y: best.y };
  });
}

interface DragFigures {
  frames: number;
  p50: number;
  p95: number;
  max: number;
  /** frames that came more than 1.5 intervals after the previous one: a dropped frame */
  late: number;
  /** main-thread time per frame (Chromium's Performance.getMetrics over the drag): all tasks, and of it script, style, layout */
  mainThreadPerFrameMs: { task: number; script: number; style: number; layout: number };
  moves: number;
  /** frames in which the held node was drawn at a new place */
  framesWithMove: number;
  durationMs: number;
  /** how far the node ended from where it started */
  movedPx: number;
}

/** Hold a node and circle it (radius 100 px, one turn a second) for `ms`, recording frames in the page. */
export async function measureDrag(page: Page, ms: number): Promise<DragFigures> {
  const start = await nodeToDrag(page);
  const nodeEl = page.locator(`.react-flow__node[data-id="${start.id}"]`);
  const before = await nodeEl.boundingBox();
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const metrics = async () => Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
  await page.mouse.move(start.x, start.y);
  await page.mouse.down();
  await page.mouse.move(start.x + 5, start.y + 5, { steps: 2 }); // past the drag threshold
  await page.evaluate((nodeId) => (window as unknown as { __startFrames: (id: string) => void }).__startFrames(nodeId), start.id);
  const m0 = await metrics();
  const t0 = performance.now();
  let moves = 0;
  const centre = { x: start.x - 100, y: start.y };
  while (performance.now() - t0 < ms) {
    const a = ((performance.now() - t0) / 1000) * 2 * Math.PI;
    await page.mouse.move(centre.x + 100 * Math.cos(a), centre.y + 100 * Math.sin(a));
    moves++;
  }
  const durationMs = performance.now() - t0;
  const m1 = await metrics();
  await cdp.detach();
  const { frames: stamps, moved } = await page.evaluate(() => (window as unknown as { __stopFrames: () => { frames: number[]; moved: number } }).__stopFrames());
  // whole turns end where they began: drop the node a little aside, so the move is visible in its position
  await page.mouse.move(start.x + 60, start.y + 40, { steps: 3 });
  await page.mouse.up();
  const after = await nodeEl.boundingBox();
  const deltas = stamps.slice(1).map((t, i) => t - (stamps[i] as number));
  const perFrame = (name: string) => r1((((m1[name] ?? 0) - (m0[name] ?? 0)) * 1000) / Math.max(1, deltas.length));
  return {
    frames: deltas.length,
    p50: r1(percentile(deltas, 50)),
    p95: r1(percentile(deltas, 95)),
    max: r1(Math.max(...deltas)),
    late: deltas.filter((d) => d > 1.5 * (1000 / 60)).length,
    mainThreadPerFrameMs: { task: perFrame('TaskDuration'), script: perFrame('ScriptDuration'), style: perFrame('RecalcStyleDuration'), layout: perFrame('LayoutDuration') },
    moves,
    framesWithMove: moved,
    durationMs: Math.round(durationMs),
    movedPx: Math.round(Math.hypot((after?.x ?? 0) - (before?.x ?? 0), (after?.y ?? 0) - (before?.y ?? 0))),
  };
}

async function main(): Promise<void> {
  await ensureClientBuilt();
  const dir = mkdtempSync(join(tmpdir(), 'journeys-bench-canvas-'));
  const server = await startServer({ port: 0, host: '127.0.0.1', databasePath: join(dir, 'bench.db'), clock: 'real', seedDemo: false, scheduler: false, log: () => {}, admin: testAdmin });
  const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
  try {
    const cookie = await signIn(server.url, testAdmin.login, testAdmin.password);
    const trpc = trpcClient(server.url, cookie);
    const graph = generatedJourney(NODES);
    const { id } = await trpc.journeys.create.mutate({ name: `Bench: ${NODES} nodes` });
    const { errors } = await trpc.journeys.saveDraft.mutate({ id, graph });
    if (errors.length) throw new Error(`the generated journey does not compile:\n${errors.map((e) => `${e.code} ${e.nodeId ?? ''} ${e.message}`).join('\n')}`);
    const url = `${server.url}/journeys/${encodeURIComponent(id)}`;

    const page = await browser.newPage({ viewport: VIEWPORT });
    await page.context().addCookies([{ name: 'jb_session', value: cookie.slice('jb_session='.length), url: server.url }]);
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    // tsx keeps function names with a `__name` helper the page does not have: give it one
    await page.addInitScript({ content: `var __name = (f) => f; (${instrument.toString()})(${graph.nodes.length});` });

    const cold = await measureLoad(page, url);
    const warm: LoadFigures[] = [];
    for (let i = 0; i < WARM_LOADS; i++) warm.push(await measureLoad(page, url));
    const warmReady = warm.map((w) => w.readyMs);
    if (process.env.BENCH_SCREENSHOT) await page.screenshot({ path: process.env.BENCH_SCREENSHOT });

    // a short drag first, so the measured one is not the first (JIT, first layout of the handles)
    await measureDrag(page, 500);
    const drag = await measureDrag(page, DRAG_MS);
    if (pageErrors.length) throw new Error(`errors in the page:\n${pageErrors.join('\n')}`);

    const firstRender = {
      coldMs: r1(cold.readyMs),
      warmMedianMs: r1(median(warmReady)),
      warmMs: warmReady.map(r1),
      // where the time goes, warm median: data in hand → nodes mounted → measured → viewport set
      breakdownWarmMedianMs: {
        domContentLoaded: r1(median(warm.map((w) => w.domContentLoadedMs))),
        journeyFetched: r1(median(warm.map((w) => w.journeyFetchedMs))),
        firstNode: r1(median(warm.map((w) => w.firstNodeMs))),
        allMounted: r1(median(warm.map((w) => w.allMountedMs))),
        allMeasured: r1(median(warm.map((w) => w.allMeasuredMs))),
        ready: r1(median(warmReady)),
      },
      nodesInDom: cold.nodesInDom,
      culling: 'none: all nodes are rendered (React Flow onlyRenderVisibleElements is off)',
    };
    const results = {
      at: new Date().toISOString(),
      node: process.version,
      chromium: browser.version(),
      flags: chromiumArgs.join(' '),
      cpu: `${cpus()[0]?.model ?? '?'} × ${cpus().length}`,
      viewport: VIEWPORT,
      journey: { nodes: graph.nodes.length, edges: graph.edges.length },
      firstRender,
      drag,
      targets: TARGETS,
      frameJitterToleranceMs: FRAME_JITTER_MS,
      pass: { firstRender: firstRender.warmMedianMs <= TARGETS.firstRenderMs, dragFrameP95: drag.p95 <= TARGETS.dragFrameP95Ms + FRAME_JITTER_MS },
    };
    writeFileSync(join(here, 'canvas-results.json'), `${JSON.stringify(results, null, 2)}\n`);

    const ok = (b: boolean) => (b ? 'ok' : 'MISSED');
    console.log(`\nCanvas, ${graph.nodes.length} nodes / ${graph.edges.length} edges, ${results.chromium} headless (software rendering), ${results.cpu}`);
    console.table([
      { metric: 'first render, warm median (ms)', value: firstRender.warmMedianMs, target: `≤ ${TARGETS.firstRenderMs}`, verdict: ok(results.pass.firstRender) },
      { metric: 'first render, cold (ms)', value: firstRender.coldMs, target: '', verdict: '' },
      { metric: '  journey fetched (ms)', value: firstRender.breakdownWarmMedianMs.journeyFetched, target: '', verdict: '' },
      { metric: '  all nodes mounted (ms)', value: firstRender.breakdownWarmMedianMs.allMounted, target: '', verdict: '' },
      { metric: '  all nodes drawn (ms)', value: firstRender.breakdownWarmMedianMs.allMeasured, target: '', verdict: '' },
      { metric: 'drag frame p50 (ms)', value: drag.p50, target: '', verdict: '' },
      { metric: 'drag frame p95 (ms)', value: drag.p95, target: `≤ ${TARGETS.dragFrameP95Ms} (±${FRAME_JITTER_MS} vsync jitter)`, verdict: ok(results.pass.dragFrameP95) },
      { metric: 'drag frame max (ms)', value: drag.max, target: '', verdict: '' },
      { metric: 'drag frames / dropped (> 25 ms)', value: `${drag.frames} / ${drag.late}`, target: '', verdict: '' },
      { metric: 'drag main thread per frame (ms)', value: `${drag.mainThreadPerFrameMs.task} (script ${drag.mainThreadPerFrameMs.script})`, target: '', verdict: '' },
      { metric: 'drag pointer moves / frames moving the node', value: `${drag.moves} in ${drag.durationMs} ms / ${drag.framesWithMove}`, target: '', verdict: '' },
    ]);
    console.log(`Wrote ${join(here, 'canvas-results.json')}`);
  } finally {
    await browser.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
