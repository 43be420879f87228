import { useKindSummary } from '../../i18n/useKindSummary';
import { useMemo } from 'react';
import type { NodeProps } from '@xyflow/react';
import { nodeKinds } from '../../../shared/journey/registry';
import type { JourneyFlowNode } from '../../mapping/flowTypes';
import { NodeShell } from '../NodeShell';

/** Weighted arms (+ holdout), drawn as one proportional bar so the split reads at a glance. */
export function SplitRandomNode({ id, data, selected }: NodeProps<JourneyFlowNode<'split.random'>>) {
  const parsed = useMemo(() => nodeKinds['split.random'].schema.safeParse(data.config), [data.config]);
  const summarize = useKindSummary();
  const body = parsed.success ? (
    <div className="jn-split">
      <div className="jn__summary">{summarize('split.random', parsed.data)}</div>
      <div className="jn-split__bar" aria-hidden>
        {parsed.data.arms.map((a, i) => (
          <span key={a.key} className={`jn-split__arm jn-split__arm--${i % 4}`} style={{ flexGrow: a.weight }} />
        ))}
        {parsed.data.holdout > 0 && <span className="jn-split__arm jn-split__arm--holdout" style={{ flexGrow: parsed.data.holdout }} />}
      </div>
    </div>
  ) : undefined;
  return <NodeShell id={id} data={data} selected={selected} body={body} />;
}
