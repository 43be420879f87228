/**
 * Saves docs/screenshot.png (1400×900): blueprint 1 on the canvas, for the README.
 * Run with `npx tsx e2e/screenshot.ts`; starts its own server on a temporary database.
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { BLUEPRINT_1, setup, startApp, waitForCanvas } from './harness';

const out = fileURLToPath(new URL('../docs/screenshot.png', import.meta.url));

async function main(): Promise<void> {
  await setup();
  const app = await startApp({ viewport: { width: 1400, height: 900 } });
  try {
    const first = (await app.trpc.journeys.blueprints.query()).find((b) => b.key === BLUEPRINT_1);
    const journey = (await app.trpc.journeys.list.query()).find((j) => j.blueprint === first?.key);
    if (!journey) throw new Error('blueprint 1 was not seeded');
    await app.page.goto(`${app.url}/journeys/${encodeURIComponent(journey.id)}`);
    await waitForCanvas(app.page);
    await app.page.waitForTimeout(300);
    mkdirSync(fileURLToPath(new URL('../docs/', import.meta.url)), { recursive: true });
    await app.page.screenshot({ path: out });
    console.log(`Saved ${out}`);
  } finally {
    await app.close();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
