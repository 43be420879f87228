import { useT } from '../i18n/useT';
import { channelMessages } from '../i18n/registryMessages';
import { useEffect, useId, useRef, useState } from 'react';
import { Link } from 'react-router';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { FlaskConical } from 'lucide-react';
import type { Channel } from '../../shared/journey/channels';
import { isTestChannel, testChannels } from '../../shared/testSends/testContact';
import { useTRPC } from '../trpc';
import { useAuth } from '../auth/AuthContext';
import { useErrorText } from '../i18n/serverText';
import { ContactPicker } from '../trace/ContactPicker';
import { useJourneyId } from '../trace/journeyContext';
import { parseNodeConfig } from '../mapping/ports';
import { useCatalogue } from './catalogue';
import '../trace/trace.css';

/** "Send test…" under a send node's form: for operators, in a journey's editor (not in stories or read-only views of others). */
export function SendTestButton({ nodeId, config }: { nodeId: string; config: Record<string, unknown> }) {
  const journeyId = useJourneyId();
  if (journeyId === null) return null;
  return <SendTestOpener journeyId={journeyId} nodeId={nodeId} config={config} />;
}

function SendTestOpener({ journeyId, nodeId, config }: { journeyId: string; nodeId: string; config: Record<string, unknown> }) {
  const t = useT();
  const [open, setOpen] = useState(false);
  const can = useAuth().can('operator');
  const parsed = parseNodeConfig('send', config);
  const channel = parsed.ok ? (parsed.config.channel as Channel) : 'sms';
  const template = parsed.ok ? String(parsed.config.template ?? '') : '';
  if (!can) return null;
  return (
    <div className="sf__field">
      <button type="button" className="btn btn--small" disabled={!template} title={template ? t('sendTest.title') : t('sendTest.chooseTemplate')} onClick={() => setOpen(true)}>
        <FlaskConical size={14} aria-hidden /> {t('sendTest.open')}
      </button>
      {open && <SendTestDialog journeyId={journeyId} nodeId={nodeId} channel={channel} template={template} onClose={() => setOpen(false)} />}
    </div>
  );
}

/**
 * A test of one send node: a variant of its template, rendered with a real
 * contact's traits, sent through the channel's provider to one of the
 * workspace's test contacts (never to the contact). The server reads the
 * saved draft, so an edit waits for its autosave.
 */
export function SendTestDialog({ journeyId, nodeId, channel, template, onClose }: { journeyId: string; nodeId: string; channel: Channel; template: string; onClose: () => void }) {
  const t = useT();
  const errorText = useErrorText();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const titleId = useId();
  const dialog = useRef<HTMLDialogElement>(null);
  const variants = useCatalogue().templates.find((t) => t.key === template)?.variants ?? [];
  const testContacts = useQuery(trpc.testing.contacts.queryOptions());
  const [variant, setVariant] = useState<string>('');
  const [contact, setContact] = useState<string | null>(null);
  const [recipient, setRecipient] = useState<string>('');
  const send = useMutation(trpc.testing.send.mutationOptions({ onSuccess: () => void queryClient.invalidateQueries({ queryKey: trpc.testing.sends.queryKey() }) }));
  useEffect(() => {
    const d = dialog.current;
    if (d && !d.open) d.showModal();
  }, []);

  const field = isTestChannel(channel) ? testChannels[channel] : null;
  const usable = (testContacts.data ?? []).filter((t) => field !== null && t[field] !== null);
  const chosenVariant = variant || variants[0]?.key || '';
  const ready = field !== null && contact !== null && recipient !== '' && chosenVariant !== '';
  const sent = send.data;

  return (
    <dialog ref={dialog} className="dialog testsend-dialog" aria-labelledby={titleId} onClose={onClose}>
      <h2 id={titleId}>{t('sendTest.heading', { channel: t(channelMessages[channel]) })}</h2>
      <p className="muted">
        <code>{template}</code> {t('sendTest.lede')}
      </p>
      {field === null ? (
        <p className="dialog__note">{t('sendTest.noTest', { channel: t(channelMessages[channel]) })}</p>
      ) : (
        <>
          <label className="field">
            <span>{t('funnel.variant')}</span>
            <select value={chosenVariant} onChange={(e) => setVariant(e.target.value)}>
              {variants.map((v) => (
                <option key={v.key} value={v.key}>
                  {v.key.toUpperCase()} · {v.name}
                </option>
              ))}
            </select>
          </label>
          <ContactPicker label={t('sendTest.traitsOf')} value={contact} onChange={setContact} />
          <label className="field">
            <span>{t('sendTest.sendTo')}</span>
            <select value={recipient} onChange={(e) => setRecipient(e.target.value)}>
              <option value="">{t('sendTest.chooseContact')}</option>
              {usable.map((t) => (
                <option key={t.id} value={String(t.id)}>
                  {t.name} · {t[field]}
                </option>
              ))}
            </select>
          </label>
          {testContacts.isSuccess && usable.length === 0 && (
            <p className="dialog__note">
              {field === 'phone' ? t('sendTest.noPhone') : t('sendTest.noEmail')} <Link to="/settings">{t('sendTest.settingsLink')}</Link>.
            </p>
          )}
        </>
      )}
      {send.isError && (
        <p className="form-error" role="alert">
          {errorText(send.error)}
        </p>
      )}
      {sent && (
        <div className="testsend__result" role="status">
          {sent.status === 'failed'
            ? t('sendTest.failed', { id: sent.id, error: sent.error ?? t('sendTest.noReason') })
            : t('sendTest.sent', { id: sent.id, status: sent.status, to: sent.to, provider: sent.provider })}
          <pre>{sent.body}</pre>
        </div>
      )}
      <div className="dialog__actions">
        <button type="button" className="btn" onClick={() => dialog.current?.close()}>
          {t('common.close')}
        </button>
        <button
          type="button"
          className="btn btn--primary"
          disabled={!ready || send.isPending}
          onClick={() => contact !== null && send.mutate({ journeyId, nodeId, variant: chosenVariant, externalId: contact, to: { testContactId: Number(recipient) } })}
        >
          {send.isPending ? t('sendTest.sending') : t('sendTest.send')}
        </button>
      </div>
    </dialog>
  );
}
