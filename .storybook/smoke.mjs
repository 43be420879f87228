// Smoke check after `storybook build` (npm test): the output is a complete
// Storybook whose index lists the component stories, not just an exit code.
import { existsSync, readFileSync } from 'node:fs';

const out = new URL('../storybook-static/', import.meta.url);
for (const f of ['index.html', 'iframe.html', 'index.json']) if (!existsSync(new URL(f, out))) throw new Error(`storybook-static/${f} is missing`);
const entries = Object.values(JSON.parse(readFileSync(new URL('index.json', out), 'utf8')).entries);
const stories = entries.filter((e) => e.type === 'story');
const need = ['canvas-nodes-send-message--with-overlay', 'editor-inspector--send-message', 'editor-problems-panel--with-problems', 'editor-palette--default'];
const missing = need.filter((id) => !stories.some((s) => s.id === id));
if (missing.length) throw new Error(`storybook index lacks ${missing.join(', ')}`);
console.log(`storybook: ${stories.length} stories built`);
