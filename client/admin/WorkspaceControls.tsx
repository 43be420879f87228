import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { RefreshCw } from 'lucide-react';
import { useTRPC } from '../trpc';
import { formatAbsolute } from '../format';

/** A new write key; the old one keeps working for the grace period chosen here, so SDKs can move over without losing events. */
export function RotateWriteKey({ previousExpiresAt }: { previousExpiresAt: number | null }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [grace, setGrace] = useState(24);
  const rotate = useMutation(trpc.workspace.rotateWriteKey.mutationOptions({ onSuccess: () => qc.invalidateQueries({ queryKey: trpc.workspace.get.queryKey() }) }));
  const valid = Number.isInteger(grace) && grace >= 0 && grace <= 720;
  return (
    <div className="rotate">
      {previousExpiresAt !== null && previousExpiresAt > Date.now() && (
        <p className="muted" role="status">
          The previous key keeps working until {formatAbsolute(previousExpiresAt)}.
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
          Grace hours
          <input type="number" min={0} max={720} step={1} value={Number.isFinite(grace) ? grace : ''} onChange={(e) => setGrace(e.target.valueAsNumber)} aria-describedby="grace-help" />
        </label>
        <button type="submit" className="btn" disabled={!valid || rotate.isPending}>
          <RefreshCw size={14} aria-hidden /> Rotate write key
        </button>
      </form>
      <p id="grace-help" className="sf__help">
        How long the current key keeps working after rotation (0–720 hours; 0 stops it at once).
      </p>
      {rotate.isSuccess && (
        <p className="banner banner--ok" role="status">
          Rotated. Point your SDKs at the new key before the old one stops.
        </p>
      )}
      {rotate.isError && (
        <p className="banner banner--error" role="alert">
          {rotate.error.message}
        </p>
      )}
    </div>
  );
}

/** Four-eyes on or off: admins switch it, everyone else reads it. */
export function ApprovalsSetting({ on, editable }: { on: boolean; editable: boolean }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const set = useMutation(trpc.workspace.setApprovals.mutationOptions({ onSuccess: () => qc.invalidateQueries({ queryKey: trpc.workspace.get.queryKey() }) }));
  const explain = 'Publishing a journey, promoting an A/B winner and a new version of a template a live journey uses wait for a second person with the approver role.';
  if (!editable)
    return (
      <p>
        Approvals (four-eyes): <strong>{on ? 'on' : 'off'}</strong>. <span className="muted">{explain}</span>
      </p>
    );
  return (
    <div>
      <label className="check">
        <input type="checkbox" checked={set.isPending ? set.variables.on : on} disabled={set.isPending} onChange={(e) => set.mutate({ on: e.target.checked })} />
        Approvals (four-eyes)
      </label>
      <p className="sf__help">{explain} Off suits a single-person install.</p>
      {set.isError && (
        <p className="banner banner--error" role="alert">
          {set.error.message}
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
      : 'any http(s) host';
  return (
    <div>
      <p>
        Links may go to: {list(hosts.effective)}
        {hosts.set.length === 0 && <span className="muted"> (the hosts the shipped templates use, while no list is set)</span>}
      </p>
      <p className="sf__help">Only http and https. A template that links anywhere else fails its check, and a link to another host is never followed.</p>
      {editable && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            save.mutate({ hosts: entered });
          }}
        >
          <label className="field">
            Allowed hosts, one a line
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
            <code>*.example.com</code> allows the subdomains of example.com. An empty list means the defaults.
          </p>
          <button type="submit" className="btn" disabled={save.isPending || entered.length > 100}>
            Save allow-list
          </button>
        </form>
      )}
      {save.isSuccess && (
        <p className="banner banner--ok" role="status">
          Saved.
        </p>
      )}
      {save.isError && (
        <p className="banner banner--error" role="alert">
          {save.error.message}
        </p>
      )}
    </div>
  );
}
