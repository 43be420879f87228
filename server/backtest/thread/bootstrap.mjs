// A backtest thread's entry: a worker does not inherit the parent's TypeScript loader
// (under Vitest there is none to inherit), so it registers tsx itself, then loads the thread.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
