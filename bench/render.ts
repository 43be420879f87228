/**
 * Render throughput (part of `npm run bench`): SMS renders per second on one
 * core with warm caches, as the dispatcher renders them — the compiled
 * template version, the static helpers, the contact's traits, and a tracked
 * link minted per message (HMAC code). Prints and writes bench/render-results.json.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadMessageTemplates } from '../server/library/loadLibrary';
import { compileVersion, renderVariant, type RenderContext } from '../server/templates/render';
import { linkCode, shortUrl } from '../server/templates/links';
import { smsStats } from '../shared/templates/sms';

const here = dirname(fileURLToPath(import.meta.url));
const N = Number(process.env.BENCH_RENDERS ?? 1_000_000);
const t = loadMessageTemplates().find((x) => x.key === 'recall_sms');
if (!t) throw new Error('recall_sms is missing from the library');
const compiled = compileVersion({ id: 1, key: t.key, version: 1, channel: t.channel, category: t.category, variants: t.variants });
const contacts = Array.from({ length: 1000 }, (_, i) => ({ user_id: `u${i}`, name: `用户${i}`, limit: 5000 + (i % 5) * 5000, daily_rate: 0.3 }));
const utm = { source: 'sms' as const, campaign: 'j_recall', content: 'a', term: 'sms_1' };

function run(label: string, mint: boolean): { perSec: number; ms: number } {
  let chars = 0;
  const t0 = performance.now();
  for (let i = 0; i < N; i++) {
    const ctx: RenderContext = {
      traits: contacts[i % 1000] as Record<string, unknown>,
      timezone: 'Asia/Shanghai',
      utm: { ...utm, content: i & 1 ? 'b' : 'a' },
      link: mint ? () => shortUrl('https://go.orange.example', linkCode('bench-secret', i, 0)) : () => 'https://go.orange.example/l/1a2b-0xYz12',
    };
    chars += (renderVariant(compiled, i & 1 ? 'b' : 'a', ctx).body ?? '').length;
  }
  const ms = performance.now() - t0;
  const perSec = N / (ms / 1000);
  console.log(`${label.padEnd(44)} ${Math.round(perSec).toLocaleString('en-US').padStart(10)} renders/s  (${(ms / 1000).toFixed(2)} s, ${chars} chars)`);
  return { perSec, ms };
}

// warm: compile caches, JIT, Intl formatters
for (let i = 0; i < 20_000; i++) renderVariant(compiled, 'a', { traits: contacts[i % 1000] as Record<string, unknown>, timezone: 'Asia/Shanghai', utm });
const plain = run('render (link code precomputed)', false);
const minted = run('render + tracked link minted (keyed hash)', true);
const sample =
  renderVariant(compiled, 'a', { traits: contacts[1] as Record<string, unknown>, timezone: 'Asia/Shanghai', utm, link: () => shortUrl('https://go.orange.example', linkCode('s', 123456, 0)) }).body ??
  '';
const results = {
  at: new Date().toISOString(),
  node: process.version,
  renders: N,
  template: 'recall_sms (A/B), zh-CN, money + default + link helpers',
  /** rendering alone: template, helpers, traits (the link's code given) */
  rendersPerSec: Math.round(plain.perSec),
  /** rendering plus minting the tracked link's keyed code, as the dispatcher does per message */
  rendersPerSecWithLinkMinting: Math.round(minted.perSec),
  sample,
  sampleSms: smsStats(sample),
  target: { rendersPerSec: 500_000 },
};
console.log(`\nSMS renders/s (one core, warm caches): ${results.rendersPerSec.toLocaleString('en-US')}  target ≥500,000  ${results.rendersPerSec >= 500_000 ? 'ok' : 'MISSED'}`);
console.log(`with a tracked link minted per message:  ${results.rendersPerSecWithLinkMinting.toLocaleString('en-US')}`);
writeFileSync(join(here, 'render-results.json'), `${JSON.stringify(results, null, 2)}\n`);
