import { useMemo } from 'react';
import type { IntlShape } from 'react-intl';
import { useIntlOrEnglish } from './useT';
import type { CompileErrorCode, Located } from '../../shared/journey/errors';
import { channels as channelNames, type Channel } from '../../shared/journey/channels';
import { msg } from './messageIds';
import { channelMessages } from './registryMessages';

/** One message per compile error code; its ICU arguments are the error's `params` (shared/journey/compile.ts). */
const compileMessages = {
  invalid_graph: msg('compile.invalid_graph'),
  invalid_settings: msg('compile.invalid_settings'),
  duplicate_node_id: msg('compile.duplicate_node_id'),
  duplicate_edge_id: msg('compile.duplicate_edge_id'),
  no_entry: msg('compile.no_entry'),
  multiple_entries: msg('compile.multiple_entries'),
  invalid_config: msg('compile.invalid_config'),
  missing_template: msg('compile.missing_template'),
  unknown_template: msg('compile.unknown_template'),
  template_channel_mismatch: msg('compile.template_channel_mismatch'),
  unknown_segment: msg('compile.unknown_segment'),
  dangling_edge: msg('compile.dangling_edge'),
  unknown_port: msg('compile.unknown_port'),
  port_wired_twice: msg('compile.port_wired_twice'),
  edge_into_entry: msg('compile.edge_into_entry'),
  unwired_port: msg('compile.unwired_port'),
  unreachable_node: msg('compile.unreachable_node'),
  cycle_without_wait: msg('compile.cycle_without_wait'),
  unbounded_send_loop: msg('compile.unbounded_send_loop'),
} satisfies Record<CompileErrorCode, string>;

/** The place-less form of the errors a node kind's own rule finds, shown beside the field. */
const detailMessages = {
  missing_template: msg('compile.detail.missing_template'),
  unknown_template: msg('compile.detail.unknown_template'),
  template_channel_mismatch: msg('compile.detail.template_channel_mismatch'),
  unknown_segment: msg('compile.detail.unknown_segment'),
} satisfies Partial<Record<CompileErrorCode, string>>;

/** The arguments each message needs: an error without them (an older server's) keeps the message it came with. */
const needs: Partial<Record<CompileErrorCode, string[]>> = {
  invalid_graph: ['field', 'detail'],
  invalid_settings: ['field', 'detail'],
  duplicate_node_id: ['id'],
  duplicate_edge_id: ['id'],
  multiple_entries: ['node'],
  invalid_config: ['node', 'field', 'detail'],
  missing_template: ['node', 'channel'],
  unknown_template: ['node', 'template'],
  template_channel_mismatch: ['node', 'template', 'channel', 'templateChannel'],
  unknown_segment: ['node', 'segment'],
  dangling_edge: ['id', 'missing'],
  unknown_port: ['node', 'port'],
  port_wired_twice: ['node', 'port'],
  edge_into_entry: ['node'],
  unwired_port: ['node', 'port'],
  unreachable_node: ['node'],
  cycle_without_wait: ['loop'],
  unbounded_send_loop: ['loop', 'channels'],
};

const isChannel = (c: unknown): c is Channel => typeof c === 'string' && (channelNames as readonly string[]).includes(c);

/**
 * A compile error in the reader's language, worded from its stable `code` and
 * its `params`; `detail` is the place-less form shown beside the field itself.
 */
export function problemText(intl: IntlShape, p: Located, form: 'full' | 'detail' = 'full', nodeName?: (nodeId: string) => string | undefined): string {
  const named = p.nodeId !== undefined && p.params && 'node' in p.params ? nodeName?.(p.nodeId) : undefined;
  // the compiler names an untitled node by its kind in English; the page knows its name in the reader's language
  const params = named === undefined ? (p.params ?? {}) : { ...p.params, node: named };
  if (!(needs[p.code] ?? []).every((k) => k in params)) return form === 'detail' ? (p.detail ?? p.message) : p.message;
  const channel = (c: unknown): string => (isChannel(c) ? intl.formatMessage({ id: channelMessages[c] }) : String(c));
  const values: Record<string, string> = {};
  for (const [k, v] of Object.entries(params)) values[k] = Array.isArray(v) ? v.join(', ') : String(v);
  if (Array.isArray(params.channels)) values.channels = intl.formatList(params.channels.map(channel), { type: 'conjunction' });
  for (const k of ['channel', 'templateChannel']) if (k in params) values[k] = channel(params[k]);
  // a fixed port (`timeout`, `failed`) by its message id, a port the user named as named
  if (typeof params.portKey === 'string') values.port = intl.formatMessage({ id: params.portKey });
  // a field's own error, beside the field: the node and the field are already in view
  if (form === 'detail' && p.detail !== undefined) {
    if (p.code === 'invalid_config') return params.reason === 'segment_required' ? intl.formatMessage({ id: msg('compile.detail.segment_required') }) : (values.detail ?? p.detail);
    const id = Object.hasOwn(detailMessages, p.code) ? detailMessages[p.code as keyof typeof detailMessages] : undefined;
    if (id) return intl.formatMessage({ id }, values);
  }
  if (p.code === 'invalid_config' && params.reason === 'segment_required') return intl.formatMessage({ id: msg('compile.segment_required') }, values);
  if (p.code === 'unwired_port' && values.port === '') return intl.formatMessage({ id: msg('compile.unwired_next') }, values);
  return intl.formatMessage({ id: compileMessages[p.code] }, values);
}

/** `problemText` in the chosen locale; `nodeName` gives a node's name as the page shows it. */
export function useProblemText(nodeName?: (nodeId: string) => string | undefined): (p: Located, form?: 'full' | 'detail') => string {
  const intl = useIntlOrEnglish();
  return useMemo(
    () =>
      (p: Located, form: 'full' | 'detail' = 'full') =>
        problemText(intl, p, form, nodeName),
    [intl, nodeName],
  );
}
