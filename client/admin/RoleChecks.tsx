import { roles, type Role } from '../../shared/auth/roles';
import { msg } from '../i18n/messageIds';
import { useT, type Translate } from '../i18n/useT';

/** Each role's name and what it may do (shared/auth/roles.ts `roleInfo` holds the English). */
const roleMessages: Record<Role, { label: string; may: string }> = {
  viewer: { label: msg('role.viewer'), may: msg('role.viewer.may') },
  analyst: { label: msg('role.analyst'), may: msg('role.analyst.may') },
  copywriter: { label: msg('role.copywriter'), may: msg('role.copywriter.may') },
  operator: { label: msg('role.operator'), may: msg('role.operator.may') },
  approver: { label: msg('role.approver'), may: msg('role.approver.may') },
  agent: { label: msg('role.agent'), may: msg('role.agent.may') },
  admin: { label: msg('role.admin'), may: msg('role.admin.may') },
};

/** One checkbox per role, labelled as the roles table names them, with what each may do on hover. */
export function RoleChecks({ value, onChange, legend }: { value: readonly Role[]; onChange: (roles: Role[]) => void; legend?: string }) {
  const t = useT();
  const toggle = (r: Role, on: boolean) => onChange(roles.filter((x) => (x === r ? on : value.includes(x))));
  return (
    <fieldset className="rolechecks">
      <legend>{legend ?? t('users.roles')}</legend>
      {roles.map((r) => (
        <label key={r} className="check" title={t(roleMessages[r].may)}>
          <input type="checkbox" checked={value.includes(r)} onChange={(e) => toggle(r, e.target.checked)} />
          {t(roleMessages[r].label)}
        </label>
      ))}
    </fieldset>
  );
}

/** "Operator, Approver" */
export const roleLabels = (t: Translate, held: readonly Role[]): string => (held.length ? held.map((r) => t(roleMessages[r].label)).join(', ') : t(roleMessages.viewer.label));

/** Every user reads (the viewer's rights): no role ticked means just that. */
export const orViewer = (held: Role[]): Role[] => (held.length ? held : ['viewer']);
