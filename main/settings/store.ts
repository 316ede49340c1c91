import { randomBytes } from 'node:crypto';
import { AppError } from '../errors';
import { SettingsSchema, type Settings } from './schema';

/** The part of conf / electron-store we rely on: both expose exactly this. */
export interface SettingsBacking {
  readonly path: string;
  readonly store: Record<string, unknown>;
  set(values: Record<string, unknown>): void;
}

export interface SettingsStore {
  readonly path: string;
  get(): Settings;
  update(patch: Partial<Settings>): Settings;
}

/**
 * Raised when the settings file cannot be read or does not match the schema. The file is
 * left exactly as it is: an installer's hand-edited settings are never silently reset.
 */
export class SettingsError extends AppError {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super('SETTINGS_INVALID', `settings file ${file} is invalid: ${reason}`, { file, reason });
    this.name = 'SettingsError';
  }
}

function newConsoleId(): string {
  return `console-${randomBytes(4).toString('hex')}`;
}

export function openSettings(open: () => SettingsBacking, fallbackPath: string): SettingsStore {
  let backing: SettingsBacking;
  try {
    backing = open();
  } catch (err) {
    const reason = err instanceof SyntaxError ? `not valid JSON (${err.message})` : err instanceof Error ? err.message : String(err);
    throw new SettingsError(fallbackPath, reason);
  }
  const raw = { ...backing.store };
  const firstRun = raw.consoleId === undefined;
  if (firstRun) raw.consoleId = newConsoleId();
  const parsed = SettingsSchema.safeParse(raw);
  if (!parsed.success) {
    const reason = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new SettingsError(backing.path, reason);
  }
  let current = parsed.data;
  if (firstRun) backing.set({ consoleId: current.consoleId });

  return {
    path: backing.path,
    get: () => current,
    update(patch) {
      const next = SettingsSchema.parse({ ...current, ...patch });
      backing.set(next as Record<string, unknown>);
      current = next;
      return current;
    },
  };
}
