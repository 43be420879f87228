/**
 * `npm run soak`: the crash test's cycles, longer. A webhook vendor on
 * 127.0.0.1, the server as a child process killed with SIGKILL at random
 * points during dispatch, started again on the same file, many times; then
 * the figures: messages lost, stuck, over the cap, duplicates per kill
 * against the in-flight limit, and any duplicate of a message the server had
 * recorded as sent (must be 0). Exits non-zero if any of those fails.
 *
 * SOAK_CONTACTS (default 10,000), SOAK_KILLS (default 20), SOAK_IN_FLIGHT
 * (default 32, the dispatcher's default), SOAK_SEED (default random),
 * SOAK_CLOCK (fake, the default: each cycle an hour of dev.advanceClock; or
 * real: the server's own scheduler and background lanes, as npm start runs).
 */
import { runCrashCycles } from '../server/testing/crashCycles';

const contacts = Number(process.env.SOAK_CONTACTS ?? 10_000);
const kills = Number(process.env.SOAK_KILLS ?? 20);
const maxInFlight = Number(process.env.SOAK_IN_FLIGHT ?? 32);
const seed = Number(process.env.SOAK_SEED ?? Math.floor(Math.random() * 2 ** 31));
const clock = process.env.SOAK_CLOCK ?? 'fake';
if (clock !== 'fake' && clock !== 'real') throw new Error(`SOAK_CLOCK must be "fake" or "real", got "${clock}"`);

console.log(`soak: ${contacts.toLocaleString('en-US')} contacts, up to ${kills} kills, in-flight limit ${maxInFlight}, seed ${seed}, ${clock} clock`);
const r = await runCrashCycles({ contacts, kills, maxInFlight, seed, clock, log: (l) => console.log(`  ${l}`) });

const dups = r.kills.map((k) => k.duplicates);
const lost = r.messages - r.distinctKeys + Math.max(0, contacts - r.holdouts - r.messages);
const stuck = Object.entries(r.statuses)
  .filter(([s]) => s !== 'sent' && s !== 'delivered')
  .reduce((n, [, c]) => n + c, 0);
const recordedAndResent = r.kills.reduce((n, k) => n + k.recordedAndResent, 0);
const overLimit = r.kills.filter((k) => k.duplicates > maxInFlight).length;
const rows: [string, string, boolean][] = [
  ['kills', String(r.kills.length), r.kills.length > 0],
  ['messages', r.messages.toLocaleString('en-US'), true],
  ['vendor requests', r.vendorRequests.toLocaleString('en-US'), true],
  ['lost', String(lost), lost === 0],
  ['stuck (not sent/delivered)', String(stuck), stuck === 0],
  ['over the SMS cap', String(r.overCap), r.overCap === 0],
  ['sent metric = messages', `${r.sentMetric} = ${r.messages}`, r.sentMetric === r.messages],
  ['duplicates, total', String(r.vendorRequests - r.distinctKeys), true],
  ['duplicates per kill: max', String(Math.max(0, ...dups)), overLimit === 0],
  ['duplicates per kill: mean', (dups.reduce((a, b) => a + b, 0) / Math.max(1, dups.length)).toFixed(1), true],
  ['in flight at kill: max', String(Math.max(0, ...r.kills.map((k) => k.inFlight))), true],
  ['recorded, then sent again', String(recordedAndResent), recordedAndResent === 0],
  ['wall time (s)', r.seconds.toFixed(1), true],
];
console.log('\nfigure                          value');
for (const [name, v, ok] of rows) console.log(`${name.padEnd(31)} ${v.padEnd(14)} ${ok ? '' : 'FAILED'}`);
console.log(`duplicates per kill: ${dups.join(' ')}`);
process.exit(rows.every(([, , ok]) => ok) ? 0 : 1);
