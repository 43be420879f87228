// A replay thread's entry (one share of a large backtest's contacts): as bootstrap.mjs, tsx first, then the thread.
import { register } from 'tsx/esm/api';

register();
await import('./share.ts');
