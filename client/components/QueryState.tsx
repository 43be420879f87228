import type { ReactNode } from 'react';

/** Loading and error placeholders shared by pages. */
export function Loading({ what }: { what: string }) {
  return (
    <div className="placeholder" role="status">
      Loading {what}…
    </div>
  );
}

export function LoadError({ error, children }: { error: { message: string }; children?: ReactNode }) {
  return (
    <div className="placeholder placeholder--error" role="alert">
      <strong>Could not load.</strong> {error.message}
      {children}
    </div>
  );
}
