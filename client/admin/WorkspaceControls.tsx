import { useT } from '../i18n/useT';
import { useErrorText } from '../i18n/serverText';
import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { RefreshCw } from 'lucide-react';
import { useTRPC } from '../trpc';
import { formatAbsolute } from '../format';

/** A new write key; the old one keeps working for the grace period chosen here, so SDKs can move over without losing events. */
export function RotateWriteKey({ previousExpiresAt }: { previousExpiresAt: number | null }) {
  const t = useT();
  const errorText = useErrorText();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [grace, setGrace] = useState(24);
  const rotate = useMutation(trpc.workspace.rotateWriteKey.mutationOptions({ onSuccess: () => qc.invalidateQueries({ queryKey: trpc.workspace.get.queryKey() }) }));
  const valid = Number.isInteger(grace) && grace >= 0 && grace <= 720;
  return (
    <div className="rotate">
      {previousExpiresAt !== null && previousExpiresAt > Date.now() && (
        <p className="muted" role="status">
          {t('ws.previousKey', { until: formatAbsolute(previousExpiresAt) })}
        </p>
      )}
      <form
        className="rotate__form"
        onSubmit={(e) => {
          e.preventDefault();
          if (valid) rotate.mutate({ graceHours: grace });
        }}
      >
        <label>
          {t('ws.graceHours')}
          <input type="number" min={0} max={720} step={1} value={Number.isFinite(grace) ? grace : ''} onChange={(e) => setGrace(e.target.valueAsNumber)} aria-describedby="grace-help" />
        </label>
        <button type="submit" className="btn" disabled={!valid || rotate.isPending}>
          <RefreshCw size={14} aria-hidden /> {t('ws.rotate')}
        </button>
      </form>
      <p id="grace-help" className="sf__help">
        {t('ws.grace.help')}
      </p>
      {rotate.isSuccess && (
        <p className="banner banner--ok" role="status">
          {t('ws.rotated')}
        </p>
      )}
      {rotate.isError && (
        <p className="banner banner--error" role="alert">
          {errorText(rotate.error)}
        </p>
      )}
    </div>
  );
}

/** Four-eyes on or off: admins switch it, everyone else reads it. */
export function ApprovalsSetting({ on, editable }: { on: boolean; editable: boolean }) {
  const t = useT();
  const errorText = useErrorText();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const set = useMutation(trpc.workspace.setApprovals.mutationOptions({ onSuccess: () => qc.invalidateQueries({ queryKey: trpc.workspace.get.queryKey() }) }));
  const explain = t('ws.approvals.explain');
  if (!editable)
    return (
      <p>
        {t('ws.approvals.label')}: <strong>{on ? t('ws.on') : t('ws.off')}</strong>. <span className="muted">{explain}</span>
      </p>
    );
  return (
    <div>
      <label className="check">
        <input type="checkbox" checked={set.isPending ? set.variables.on : on} disabled={set.isPending} onChange={(e) => set.mutate({ on: e.target.checked })} />
        {t('ws.approvals.label')}
      </label>
      <p className="sf__help">
        {explain} {t('ws.approvals.off')}
      </p>
      {set.isError && (
        <p className="banner banner--error" role="alert">
          {errorText(set.error)}
        </p>
      )}
    </div>
  );
}

/**
 * The hosts tracked links may send readers to. Admins edit the list (one host
 * a line, `*.example.com` for subdomains); empty means the hosts the shipped
 * templates use. Templates linking elsewhere fail their check, and a link
 * whose target is off the list (say, from a contact trait) is not followed.
 */
export function LinkHostsSetting({ hosts, editable }: { hosts: { set: readonly string[]; defaults: readonly string[]; effective: readonly string[] }; editable: boolean }) {
  const t = useT();
  const errorText = useErrorText();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [text, setText] = useState(hosts.set.join('\n'));
  const save = useMutation(
    trpc.workspace.setLinkHosts.mutationOptions({
      onSuccess: (r) => {
        setText(r.linkHosts.join('\n'));
        return qc.invalidateQueries({ queryKey: trpc.workspace.get.queryKey() });
      },
    }),
  );
  const entered = text
    .split('\n')
    .map((h) => h.trim())
    .filter(Boolean);
  const list = (hs: readonly string[]) =>
    hs.length
      ? hs.map((h, i) => (
          <span key={h}>
            {i > 0 && ', '}
            <code>{h}</code>
          </span>
        ))
      : t('ws.links.any');
  return (
    <div>
      <p>
        {t('ws.links.mayGoTo')} {list(hosts.effective)}
        {hosts.set.length === 0 && <span className="muted"> {t('ws.links.defaults')}</span>}
      </p>
      <p className="sf__help">{t('ws.links.help')}</p>
      {editable && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            save.mutate({ hosts: entered });
          }}
        >
          <label className="field">
            {t('ws.links.allowed')}
            <textarea
              rows={Math.min(10, Math.max(3, entered.length + 1))}
              value={text}
              onChange={(e) => setText(e.target.value)}
              spellCheck={false}
              placeholder={hosts.defaults.join('\n')}
              aria-describedby="link-hosts-help"
            />
          </label>
          <p id="link-hosts-help" className="sf__help">
            <code>*.example.com</code> {t('ws.links.wildcard')}
          </p>
          <button type="submit" className="btn" disabled={save.isPending || entered.length > 100}>
            {t('ws.links.save')}
          </button>
        </form>
      )}
      {save.isSuccess && (
        <p className="banner banner--ok" role="status">
          {t('ws.saved')}
        </p>
      )}
      {save.isError && (
        <p className="banner banner--error" role="alert">
          {errorText(save.error)}
        </p>
      )}
    </div>
  );
}
