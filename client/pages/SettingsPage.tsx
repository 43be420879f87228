import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '../trpc';
import { LoadError, Loading } from '../components/QueryState';
import { useAuth } from '../auth/AuthContext';
import { ApprovalsSetting, LinkHostsSetting, RotateWriteKey } from '../admin/WorkspaceControls';
import { PolicyByChannel, PolicyRules, UnitPricesSetting } from '../admin/PolicyEditor';

/** Workspace settings: how an SDK sends data here (the write key), and the contact policy every journey obeys. */
export function SettingsPage() {
  const trpc = useTRPC();
  const ws = useQuery(trpc.workspace.get.queryOptions());
  const policy = useQuery(trpc.policy.get.queryOptions());
  const origin = window.location.origin;
  const admin = useAuth().can('admin');

  return (
    <main className="page">
      <div className="page__header">
        <div>
          <h1>Settings</h1>
          <p className="muted">Point a Segment or RudderStack SDK at this host, and see the rules every message passes.</p>
        </div>
      </div>
      {ws.isPending ? (
        <Loading what="workspace" />
      ) : ws.isError ? (
        <LoadError error={ws.error} />
      ) : (
        <section className="card settings" aria-labelledby="ingestion">
          <h2 id="ingestion">Ingestion</h2>
          <dl className="settings__facts">
            <dt>Workspace</dt>
            <dd>{ws.data.name}</dd>
            <dt>Default time zone</dt>
            <dd>{ws.data.timezone}</dd>
            {/* the server sends the write key to admins only */}
            {ws.data.writeKey !== null && (
              <>
                <dt>Write key</dt>
                <dd>
                  <code aria-label="Write key">{ws.data.writeKey}</code>
                </dd>
              </>
            )}
            <dt>Endpoint</dt>
            <dd>
              <code>{origin}/v1</code> (identify, track, page, screen, alias, group, batch)
            </dd>
          </dl>
          <pre className="settings__snippet">{`curl ${origin}/v1/track \\
  -u ${ws.data.writeKey ?? '<write key>'}: \\
  -H 'content-type: application/json' \\
  -d '{"userId":"u123","event":"app_login"}'`}</pre>
          {ws.data.writeKey === null && <p className="muted">Only an admin sees the write key.</p>}
          {admin && <RotateWriteKey previousExpiresAt={ws.data.previousWriteKeyExpiresAt} />}
        </section>
      )}
      {ws.isSuccess && (
        <section className="card settings" aria-labelledby="approvals-setting">
          <h2 id="approvals-setting">Approvals</h2>
          <ApprovalsSetting on={ws.data.approvals} editable={admin} />
        </section>
      )}
      {ws.isSuccess && (
        <section className="card settings" aria-labelledby="link-hosts">
          <h2 id="link-hosts">Tracked links</h2>
          <LinkHostsSetting hosts={ws.data.linkHosts} editable={admin} />
        </section>
      )}
      {policy.isPending ? (
        <Loading what="contact policy" />
      ) : policy.isError ? (
        <LoadError error={policy.error} />
      ) : (
        <section className="card settings" aria-labelledby="policy">
          <h2 id="policy">Contact policy</h2>
          <p className="muted">Every message of every journey on every channel, robo-calls included, passes it: opt-outs, quiet hours, and (for marketing) the caps.</p>
          <PolicyByChannel policy={policy.data} />
          <PolicyRules policy={policy.data} editable={admin} />
        </section>
      )}
      {ws.isSuccess && (
        <section className="card settings" aria-labelledby="unit-prices">
          <h2 id="unit-prices">Unit prices</h2>
          <p className="muted">What one billed unit costs, in yuan: the publish forecast and the cost per conversion use these.</p>
          <UnitPricesSetting prices={ws.data.unitPrices} editable={admin} />
        </section>
      )}
    </main>
  );
}
