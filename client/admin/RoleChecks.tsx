import { roleInfo, roles, type Role } from '../../shared/auth/roles';

/** One checkbox per role, labelled as the roles table names them, with what each may do on hover. */
export function RoleChecks({ value, onChange, legend = 'Roles' }: { value: readonly Role[]; onChange: (roles: Role[]) => void; legend?: string }) {
  const toggle = (r: Role, on: boolean) => onChange(roles.filter((x) => (x === r ? on : value.includes(x))));
  return (
    <fieldset className="rolechecks">
      <legend>{legend}</legend>
      {roles.map((r) => (
        <label key={r} className="check" title={roleInfo[r].may}>
          <input type="checkbox" checked={value.includes(r)} onChange={(e) => toggle(r, e.target.checked)} />
          {roleInfo[r].label}
        </label>
      ))}
    </fieldset>
  );
}

/** "Operator, Approver" */
export const roleLabels = (held: readonly Role[]): string => (held.length ? held.map((r) => roleInfo[r].label).join(', ') : 'Viewer');

/** Every user reads (the viewer's rights): no role ticked means just that. */
export const orViewer = (held: Role[]): Role[] => (held.length ? held : ['viewer']);
