import { beforeEach } from 'vitest';

/**
 * The tests of this file are the steps of one story: after a failed step the
 * rest would only fail for its reason, so they are skipped, naming it.
 */
export function stepsOfOneStory(): void {
  let failedStep: string | null = null;
  beforeEach((ctx) => {
    if (failedStep) ctx.skip(`an earlier step failed: ${failedStep}`);
    ctx.onTestFailed(() => {
      failedStep = ctx.task.name;
    });
  });
}
