import { useMemo } from 'react';
import type { NodeProps } from '@xyflow/react';
import { nodeKinds, type ConfigOf } from '../../../shared/journey/registry';
import { channelLabels } from '../../../shared/journey/channels';
import type { JourneyFlowNode } from '../../mapping/flowTypes';
import { NodeShell } from '../NodeShell';
import { channelIcons } from '../icons';

/** Sends one message; the channel is what operators scan a canvas for, so it leads. */
export function SendNode({ id, data, selected }: NodeProps<JourneyFlowNode<'send'>>) {
  const parsed = useMemo(() => nodeKinds.send.schema.safeParse(data.config), [data.config]);
  const body = parsed.success ? <SendBody {...parsed.data} /> : undefined;
  return <NodeShell id={id} data={data} selected={selected} body={body} />;
}

function SendBody({ channel, template, category, whenCapped }: ConfigOf<'send'>) {
  const Icon = channelIcons[channel];
  return (
    <div className="jn-send">
      <div className="jn-send__row">
        <span className={`jn-send__channel jn-send__channel--${channel}`}>
          <Icon size={13} aria-hidden />
          {channelLabels[channel]}
        </span>
        <span className={`jn-send__template${template ? '' : ' jn-send__template--missing'}`} title={template || undefined}>
          {template || 'no template'}
        </span>
      </div>
      {/* marketing + wait-when-capped is the norm; say only what differs */}
      {(category !== 'marketing' || whenCapped !== 'wait') && (
        <span className="jn-send__meta">{[category !== 'marketing' && category, whenCapped === 'skip' && 'skip if capped'].filter(Boolean).join(' · ')}</span>
      )}
    </div>
  );
}
