import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';

/**
 * A fresh temp folder for each test of the enclosing describe, removed after
 * it (after the describe's own afterEach hooks, which may still close files
 * in it). The returned function gives a path inside the current one.
 */
export function useTempDir(prefix: string): (file: string) => string {
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  return (file) => join(dir, file);
}
