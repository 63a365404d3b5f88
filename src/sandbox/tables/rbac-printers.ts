// The printers of rbac.authorization.k8s.io/v1 (printRole, printRoleBinding and their cluster twins upstream).

import { AGE_COLUMN, age, column, NAME_COLUMN, Printer } from './columns';

/** NAME CREATED AT (an RFC 3339 time, not an age). */
export const ROLE_PRINTER: Printer = {
  columns: [NAME_COLUMN, column('Created At', 'string', 'CreationTimestamp is a timestamp representing the server time when this object was created.')],
  // The stored creationTimestamp is already RFC 3339 in UTC, the form upstream formats it in.
  cells: (role) => [role.metadata.name, role.metadata.creationTimestamp ?? ''],
};

/** NAME ROLE AGE, and USERS GROUPS SERVICEACCOUNTS when wide. */
export const ROLE_BINDING_PRINTER: Printer = {
  columns: [
    NAME_COLUMN,
    column('Role', 'string', 'RoleRef can reference a Role in the current namespace or a ClusterRole in the global namespace.'),
    AGE_COLUMN,
    column('Users', 'string', 'Users in the roleBinding', 1),
    column('Groups', 'string', 'Groups in the roleBinding', 1),
    column('ServiceAccounts', 'string', 'ServiceAccounts in the roleBinding', 1),
  ],
  cells(binding, now) {
    const subjects: any[] = binding.subjects ?? [];
    const names = (kind: string, format: (subject: any) => string) =>
      subjects.filter((subject) => subject.kind === kind).map(format).join(', ');
    return [
      binding.metadata.name,
      `${binding.roleRef?.kind ?? ''}/${binding.roleRef?.name ?? ''}`,
      age(binding, now),
      names('User', (subject) => subject.name),
      names('Group', (subject) => subject.name),
      names('ServiceAccount', (subject) => `${subject.namespace ?? ''}/${subject.name}`),
    ];
  },
};
