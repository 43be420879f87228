import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createIntl } from 'react-intl';
import { kindDef, nodeKindNames, defaultConfig, type NodeKind } from '../../shared/journey/registry';
import { catalogues } from './catalogues';
import { kindSummary } from './useKindSummary';

const en = createIntl({ locale: 'en', messages: catalogues.en });
const zh = createIntl({ locale: 'zh-CN', messages: catalogues['zh-CN'] });
const blueprints = fileURLToPath(new URL('../../templates/journeys/', import.meta.url));

/** Every node of the shipped blueprints, parsed, plus each kind's defaults and a few edge cases. */
const samples: { kind: NodeKind; config: Record<string, unknown> }[] = [
  ...readdirSync(blueprints)
    .filter((f) => f.endsWith('.json'))
    .flatMap((f) => {
      const raw = JSON.parse(readFileSync(blueprints + f, 'utf8')) as { nodes?: { kind: NodeKind; config: unknown }[]; graph?: { nodes: { kind: NodeKind; config: unknown }[] } };
      return (raw.graph ?? raw).nodes ?? [];
    })
    .map((n) => ({ kind: n.kind, config: kindDef(n.kind).schema.parse(n.config) as Record<string, unknown> })),
  ...nodeKindNames.map((kind) => ({ kind, config: defaultConfig(kind) })),
  { kind: 'wait.duration', config: { amount: 1, unit: 'hours', maxVisits: 3 } },
  { kind: 'wait.duration', config: { amount: 1440, unit: 'minutes', maxVisits: null } },
  { kind: 'trigger.event', config: { event: 'signup', filter: [{ property: 'os', op: 'eq', value: 'ios' }] } },
  { kind: 'trigger.segment', config: { segment: '', schedule: { every: 'once', at: '10:00' }, order: 'oldest_first' } },
];

describe('node summaries in the reader’s language', () => {
  it('in English, each reads exactly as the registry’s own summary', () => {
    expect(samples.length).toBeGreaterThan(40);
    for (const { kind, config } of samples) expect(kindSummary(en, kind, config), kind).toBe(kindDef(kind).summary(config));
  });

  it('in Chinese, the kinds that word their summary do', () => {
    expect(kindSummary(zh, 'wait.duration', { amount: 2, unit: 'days', maxVisits: 3 })).toBe('2 天 · 最多 3 次');
    expect(kindSummary(zh, 'trigger.segment', { segment: 'dormant', schedule: { every: 'day', at: '10:00' }, order: 'newest_first' })).toBe('dormant · 每天 10:00 · 最新优先');
    expect(kindSummary(zh, 'wait.event', { event: 'app_login', filter: [], timeout: { amount: 3, unit: 'days' }, maxVisits: null })).toBe('app_login · 超时 3 天');
  });
});
