import { useState } from 'react';
import { useSave } from './Form';

/**
 * The edit state every catalogue section shares: the form being filled (or none), main's refusal
 * of the last save, and the rule that an accepted save closes the form and reads the catalogue
 * again (main may have changed more than the row sent, e.g. a generated id).
 */
export function useAdminEdit<F>(reload: () => void) {
  const [edit, setEdit] = useState<F | null>(null);
  const save = useSave();
  /** A new form starts without the previous one's refusal. */
  const open = (f: F) => (save.reset(), setEdit(f));
  async function store<T>(fn: () => Promise<T>): Promise<T | undefined> {
    const r = await save.run(fn);
    if (r !== undefined) {
      setEdit(null);
      reload();
    }
    return r;
  }
  return { edit, setEdit, save, open, store, close: () => setEdit(null) };
}
