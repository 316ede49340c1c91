/** Operators' passwords: set, reset to a temporary one, and the first administrateur of a production console. */
import type { Knex } from 'knex';
import { countOperators, upsertOperator } from './catalogue';

/** A temporary password: the operator must change it at their next login. */
export async function resetOperatorPassword(db: Knex, matricule: string, passwordHash: string): Promise<void> {
  await db('operators').where({ matricule }).update({ password_hash: passwordHash, must_change_password: true });
}

/** The operator's own new password: the temporary one is gone. */
export async function setOperatorPassword(db: Knex, matricule: string, passwordHash: string): Promise<void> {
  await db('operators').where({ matricule }).update({ password_hash: passwordHash, must_change_password: false });
}

/**
 * The first administrateur, only while the console has no operator at all (checked in the same
 * transaction, so two first starts cannot both create one). Not designated: an administrateur
 * provisions, and watches only once designated like any operator.
 */
export async function createFirstAdmin(db: Knex, a: { matricule: string; name: string; passwordHash: string }): Promise<boolean> {
  return db.transaction(async (trx) => {
    if ((await countOperators(trx)) > 0) return false;
    await upsertOperator(trx, { matricule: a.matricule, name: a.name, role: 'administrateur', designated: false, active: true, passwordHash: a.passwordHash, mustChangePassword: false });
    return true;
  });
}
