import { describe, expect, it } from 'vitest';
import { renderToStaticMarkup } from 'react-dom/server';
import { ReactFlowProvider, type NodeProps } from '@xyflow/react';
import type { ComponentType } from 'react';
import { defaultConfig, kindDef, nodeKindNames, nodeKinds, type NodeKind } from '../../shared/journey/registry';
import type { Located } from '../../shared/journey/errors';
import { aGraph } from '../../shared/fixtures/builders';
import type { JourneyFlowNode } from '../mapping/flowTypes';
import { EditorStoreProvider } from '../store/editorContext';
import { nodeTypes } from './nodeTypes';
import { I18nProvider } from '../i18n/I18nProvider';
import type { Locale } from '../../shared/i18n/locales';

function render(kind: NodeKind, config: Record<string, unknown>, opts: { title?: string; problems?: Located[]; edges?: [string, string][]; locale?: Locale } = {}): string {
  let b = aGraph().node('n', kind, config, opts.title).node('x', 'exit');
  for (const [port, target] of opts.edges ?? []) b = b.then('n', target, port);
  const graph = b.build();
  const Component = nodeTypes[kind] as ComponentType<NodeProps<JourneyFlowNode>>;
  const props = { id: 'n', type: kind, data: { kind, title: opts.title, config }, selected: false } as unknown as NodeProps<JourneyFlowNode>;
  return renderToStaticMarkup(
    <I18nProvider locale={opts.locale ?? 'en'}>
      <EditorStoreProvider initial={{ graph, problems: opts.problems ?? [] }}>
        <ReactFlowProvider>
          <Component {...props} />
        </ReactFlowProvider>
      </EditorStoreProvider>
    </I18nProvider>,
  );
}

describe('node components', () => {
  it.each(nodeKindNames)('%s renders a group with its summary and one handle per port', (kind) => {
    const config = defaultConfig(kind) as Record<string, unknown>;
    const html = render(kind, config);
    const def = nodeKinds[kind];
    expect(html).toContain(`role="group"`);
    // named once, on React Flow's focusable wrapper (see toFlow), not again inside
    expect(html).not.toContain(`aria-label="${def.palette.label}: ${def.palette.label}"`);
    const ports = kindDef(kind).ports(config);
    expect(html.match(/react-flow__handle-bottom/g)?.length ?? 0).toBe(ports.length);
    expect(html.includes('react-flow__handle-top')).toBe(def.role !== 'entry');
    for (const p of ports) expect(html).toContain(`data-handleid="${p.id}"`);
  });

  it('shows the title, and "invalid config" when the config does not parse', () => {
    const html = render('wait.duration', { amount: -3 }, { title: 'Cool off' });
    expect(html).toContain('<div class="jn__title">Cool off</div>');
    expect(html).toContain('invalid config');
  });

  it('keeps a handle for a wired port the config no longer has', () => {
    const html = render('split.random', defaultConfig('split.random'), { edges: [['gone', 'x']] });
    expect(html).toContain('data-handleid="gone"');
    expect(html).toContain('jn__port--stray');
  });

  it('draws a send node’s optional failed port from the registry: faint while unwired, plain once wired', () => {
    const idle = render('send', defaultConfig('send'), { title: 'SMS' });
    expect(idle).toContain('data-handleid="failed"');
    expect(idle).toContain('aria-label="SMS: failed port (optional)"');
    expect(idle).toMatch(/class="[^"]*jn__handle--optional[^"]*"[^>]*data-handleid="failed"|data-handleid="failed"[^>]*class="[^"]*jn__handle--optional/);
    expect(idle).toContain('jn__port--optional');
    const wired = render('send', defaultConfig('send'), { title: 'SMS', edges: [['failed', 'x']] });
    expect(wired).toContain('aria-label="SMS: failed port"');
    expect(wired).not.toContain('jn__handle--optional');
    expect(wired).not.toContain('jn__port--optional');
  });

  it('badges a node with its problem count', () => {
    const html = render('send', defaultConfig('send'), {
      problems: [
        { code: 'missing_template', nodeId: 'n', message: 'Choose a SMS template.' },
        { code: 'unwired_port', nodeId: 'n', message: 'leads nowhere' },
      ],
    });
    expect(html).toContain('jn--error');
    expect(html).toContain('aria-label="2 problems"');
  });

  it('leads a send node with its channel', () => {
    expect(render('send', { channel: 'voice', template: 'recall_call' })).toContain('Robo-call');
  });

  it('speaks Chinese in zh-CN: the kind, an untitled node, the channel, the problem badge and the ports', () => {
    const html = render('send', { channel: 'voice', template: '' }, { locale: 'zh-CN', problems: [{ code: 'missing_template', nodeId: 'n', message: 'Choose a Robo-call template.' }] });
    expect(html).toContain('<span class="jn__kind">发送消息</span>');
    expect(html).toContain('<div class="jn__title">发送消息</div>');
    expect(html).toContain('语音外呼');
    expect(html).toContain('未选模板');
    expect(html).toContain('aria-label="1 个问题"');
    expect(html).toContain('aria-label="发送消息：发送失败 端口（可选）"');
  });
});
