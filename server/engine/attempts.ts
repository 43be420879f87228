/**
 * The parts of one engine tick, each run on its own: a part that throws gives
 * its `otherwise` and the tick goes on (one journey's bad segment never stops
 * the runner or the outbox); `rethrow` throws the first failure at the end.
 */
export function tickParts() {
  const failures: unknown[] = [];
  const attempt = <T>(f: () => T, otherwise: T): T => {
    try {
      return f();
    } catch (e) {
      failures.push(e);
      return otherwise;
    }
  };
  const rethrow = (): void => {
    if (failures.length > 0) throw failures[0];
  };
  return { attempt, rethrow };
}
