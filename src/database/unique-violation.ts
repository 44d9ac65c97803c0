/**
 * Tells whether `error` is PostgreSQL's unique violation (SQLSTATE 23505) of the constraint or
 * unique index `constraint`. node-postgres sets both fields on the error, and MikroORM 6 copies
 * them onto its own exception.
 */
export function isUniqueViolationOf(error: unknown, constraint: string): boolean {
  const fields = (error ?? {}) as { code?: unknown; constraint?: unknown };
  return fields.code === '23505' && fields.constraint === constraint;
}
