import pino, { type Logger, type LoggerOptions } from 'pino';
import pretty from 'pino-pretty';

export type { Logger };

/**
 * The format of the process log: JSON lines for a collector, or pino-pretty
 * for a person. `LOG_FORMAT` decides when set; otherwise a terminal on stdout
 * means somebody is reading (`npm run dev`, or `npm start` by hand), so it is
 * pretty there and JSON everywhere else (a pipe, a file, systemd, Docker).
 */
export function logFormat(env: NodeJS.ProcessEnv = process.env, tty = process.stdout.isTTY): 'json' | 'pretty' {
  if (env.LOG_FORMAT === 'json' || env.LOG_FORMAT === 'pretty') return env.LOG_FORMAT;
  if (env.LOG_FORMAT) throw new Error(`LOG_FORMAT must be "json" or "pretty", got "${env.LOG_FORMAT}"`);
  return tty ? 'pretty' : 'json';
}

/**
 * `LOG_LEVEL` (trace … fatal, or silent), else info. Under Vitest the default
 * is silent: tests that read the log pass a logger of their own.
 */
export function logLevel(env: NodeJS.ProcessEnv = process.env): string {
  const levels = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];
  if (env.LOG_LEVEL) {
    if (!levels.includes(env.LOG_LEVEL)) throw new Error(`LOG_LEVEL must be one of ${levels.join(', ')}; got "${env.LOG_LEVEL}"`);
    return env.LOG_LEVEL;
  }
  return env.VITEST ? 'silent' : 'info';
}

const base: LoggerOptions = {
  base: { pid: process.pid },
  // an error logged as { err } keeps its message, type and stack as fields, not "[object Object]"
  serializers: { err: pino.stdSerializers.err },
};

/** A logger writing to `stream` (tests read what it wrote), or to stdout in the format `logFormat` picks. */
export function createLogger(opts: { level?: string; stream?: NodeJS.WritableStream; format?: 'json' | 'pretty' } = {}): Logger {
  const level = opts.level ?? logLevel();
  if (opts.stream) return pino({ ...base, level }, opts.stream);
  // pretty in-thread (sync): no worker thread for a stream a person reads, and lines keep their order with stdout
  const format = opts.format ?? logFormat();
  return format === 'pretty' ? pino({ ...base, level }, pretty({ sync: true, ignore: 'pid,hostname' })) : pino({ ...base, level });
}

/** The process's logger: the server, the scheduler, the checkpointer and the CLIs log here unless handed another. */
export const log: Logger = createLogger();

/** Lines written to a logger, parsed: what a test asserts on. */
export function memoryLogger(level = 'debug'): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const stream = { write: (s: string) => void lines.push(JSON.parse(s) as Record<string, unknown>) } as unknown as NodeJS.WritableStream;
  return { logger: createLogger({ level, stream }), lines };
}
