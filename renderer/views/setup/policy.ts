/**
 * The password policy of issue G2, checked in the form so the person sees it before sending;
 * main checks it again (the form is only a courtesy). Returns a locale key, or undefined.
 */
export function passwordFormProblem(next: string, confirm: string, matricule: string): string | undefined {
  if (next !== confirm) return 'setup.mismatch';
  if (next.length < 12) return 'setup.tooShort';
  if (matricule.trim() && next.toLowerCase().includes(matricule.trim().toLowerCase())) return 'setup.containsMatricule';
  return undefined;
}
