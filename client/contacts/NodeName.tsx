import { nodeKinds, type NodeKind } from '../../shared/journey/registry';
import { useNodeTitle } from '../i18n/useNodeTitle';

/**
 * A node as a person reads it: its title, or for an untitled node its kind
 * in the reader's language ("SMS" rather than "sms_1"); the id stays in the
 * tooltip for whoever needs it. A node its version no longer has shows its id.
 */
export function NodeName({ id, title, kind }: { id: string; title: string | null; kind: string | null }) {
  const nodeTitle = useNodeTitle();
  const known = kind !== null && Object.hasOwn(nodeKinds, kind);
  return (
    <span className="ct-node" title={id}>
      {known ? nodeTitle({ kind: kind as NodeKind, ...(title ? { title } : {}) }) : (title ?? id)}
    </span>
  );
}
