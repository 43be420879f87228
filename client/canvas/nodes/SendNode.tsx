import { useMemo } from 'react';
import type { NodeProps } from '@xyflow/react';
import { ShieldCheck } from 'lucide-react';
import { nodeKinds, type ConfigOf } from '../../../shared/journey/registry';
import { channelMessages } from '../../i18n/registryMessages';
import { useT } from '../../i18n/useT';
import type { JourneyFlowNode } from '../../mapping/flowTypes';
import { useCatalogue } from '../../inspector/catalogue';
import { NodeShell } from '../NodeShell';
import { channelIcons } from '../icons';

/** Sends one message; the channel is what operators scan a canvas for, so it leads. */
export function SendNode({ id, data, selected }: NodeProps<JourneyFlowNode<'send'>>) {
  const parsed = useMemo(() => nodeKinds.send.schema.safeParse(data.config), [data.config]);
  const body = parsed.success ? <SendBody {...parsed.data} /> : undefined;
  return <NodeShell id={id} data={data} selected={selected} body={body} />;
}

function SendBody({ channel, template, whenCapped }: ConfigOf<'send'>) {
  const t = useT();
  const Icon = channelIcons[channel];
  // the category is the template's (an admin marks it), never the node's
  const transactional = useCatalogue().templates.find((t) => t.key === template)?.category === 'transactional';
  return (
    <div className="jn-send">
      <div className="jn-send__row">
        <span className={`jn-send__channel jn-send__channel--${channel}`}>
          <Icon size={13} aria-hidden />
          {t(channelMessages[channel])}
        </span>
        <span className={`jn-send__template${template ? '' : ' jn-send__template--missing'}`} title={template || undefined}>
          {template || t('sendNode.noTemplate')}
        </span>
      </div>
      {/* marketing + wait-when-capped is the norm; say only what differs */}
      {(transactional || whenCapped !== 'wait') && (
        <span className="jn-send__meta">
          {transactional && (
            <span className="jn-send__transactional" title={t('sendNode.transactional.title')}>
              <ShieldCheck size={12} aria-hidden /> {t('sendNode.transactional')}
            </span>
          )}
          {transactional && whenCapped === 'skip' && ' · '}
          {whenCapped === 'skip' && t('sendNode.skipIfCapped')}
        </span>
      )}
    </div>
  );
}
