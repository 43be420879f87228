import { WorkspaceLocaleSetting } from '../i18n/WorkspaceLocaleSetting';
import { useT } from '../i18n/useT';
import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '../trpc';
import { LoadError, Loading } from '../components/QueryState';
import { useAuth } from '../auth/AuthContext';
import { ApprovalsSetting, LinkHostsSetting, RotateWriteKey } from '../admin/WorkspaceControls';
import { PolicyByChannel, PolicyRules, UnitPricesSetting } from '../admin/PolicyEditor';
import { TestContactsSetting } from '../admin/TestContactsSetting';

/** Workspace settings: how an SDK sends data here (the write key), and the contact policy every journey obeys. */
export function SettingsPage() {
  const t = useT();
  const trpc = useTRPC();
  const ws = useQuery(trpc.workspace.get.queryOptions());
  const policy = useQuery(trpc.policy.get.queryOptions());
  const origin = window.location.origin;
  const admin = useAuth().can('admin');
  const operator = useAuth().can('operator');

  return (
    <main className="page">
      <div className="page__header">
        <div>
          <h1>{t('layout.nav.settings')}</h1>
          <p className="muted">{t('settings.lede')}</p>
        </div>
      </div>
      {ws.isPending ? (
        <Loading what={t('settings.loading.workspace')} />
      ) : ws.isError ? (
        <LoadError error={ws.error} />
      ) : (
        <section className="card settings" aria-labelledby="ingestion">
          <h2 id="ingestion">{t('settings.ingestion')}</h2>
          <dl className="settings__facts">
            <dt>{t('settings.workspace')}</dt>
            <dd>{ws.data.name}</dd>
            <dt>{t('settings.timezone')}</dt>
            <dd>{ws.data.timezone}</dd>
            {/* the server sends the write key to admins only */}
            {ws.data.writeKey !== null && (
              <>
                <dt>{t('settings.writeKey')}</dt>
                <dd>
                  <code aria-label={t('settings.writeKey')}>{ws.data.writeKey}</code>
                </dd>
              </>
            )}
            <dt>{t('settings.endpoint')}</dt>
            <dd>
              <code>{origin}/v1</code> (<code>identify, track, page, screen, alias, group, batch</code>)
            </dd>
          </dl>
          <pre className="settings__snippet">{`curl ${origin}/v1/track \\
  -u ${ws.data.writeKey ?? '<write key>'}: \\
  -H 'content-type: application/json' \\
  -d '{"userId":"u123","event":"app_login"}'`}</pre>
          {ws.data.writeKey === null && <p className="muted">{t('settings.writeKey.adminOnly')}</p>}
          {admin && <RotateWriteKey previousExpiresAt={ws.data.previousWriteKeyExpiresAt} />}
        </section>
      )}
      {ws.isSuccess && (
        <section className="card settings" aria-labelledby="locale-setting">
          <h2 id="locale-setting">{t('locale.switcher')}</h2>
          <WorkspaceLocaleSetting locale={ws.data.locale} editable={admin} />
        </section>
      )}
      {ws.isSuccess && (
        <section className="card settings" aria-labelledby="approvals-setting">
          <h2 id="approvals-setting">{t('layout.nav.approvals')}</h2>
          <ApprovalsSetting on={ws.data.approvals} editable={admin} />
        </section>
      )}
      {ws.isSuccess && (
        <section className="card settings" aria-labelledby="link-hosts">
          <h2 id="link-hosts">{t('settings.linkHosts')}</h2>
          <LinkHostsSetting hosts={ws.data.linkHosts} editable={admin} />
        </section>
      )}
      {policy.isPending ? (
        <Loading what={t('settings.loading.policy')} />
      ) : policy.isError ? (
        <LoadError error={policy.error} />
      ) : (
        <section className="card settings" aria-labelledby="policy">
          <h2 id="policy">{t('settings.policy')}</h2>
          <p className="muted">{t('settings.policy.lede')}</p>
          <PolicyByChannel policy={policy.data} />
          <PolicyRules policy={policy.data} editable={admin} />
        </section>
      )}
      {ws.isSuccess && (
        <section className="card settings" aria-labelledby="unit-prices">
          <h2 id="unit-prices">{t('settings.unitPrices')}</h2>
          <p className="muted">{t('settings.unitPrices.lede')}</p>
          <UnitPricesSetting prices={ws.data.unitPrices} editable={admin} />
        </section>
      )}
      {operator && (
        <section className="card settings" aria-labelledby="test-contacts">
          <h2 id="test-contacts">{t('testContacts.title')}</h2>
          <TestContactsSetting />
        </section>
      )}
    </main>
  );
}
