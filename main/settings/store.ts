import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync } from 'node:fs';
import { AppError } from '../errors';
import { SettingsSchema, type Settings } from './schema';
import { SETTINGS_UPGRADES, SETTINGS_VERSION, upgradeSettings, type SettingsUpgrade } from './upgrades';

/** The part of conf / electron-store we rely on: both expose exactly this. */
export interface SettingsBacking {
  readonly path: string;
  /** Assigning replaces the whole file (an upgrade drops renamed keys). */
  store: Record<string, unknown>;
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

/** `settings.json.bak-2026-11-26T12-20-00-000Z`: next to the file, one per upgrade, never overwritten. */
function backup(file: string, now: Date): string {
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  let target = `${file}.bak-${stamp}`;
  for (let i = 1; existsSync(target); i++) target = `${file}.bak-${stamp}-${i}`;
  copyFileSync(file, target);
  return target;
}

export interface OpenSettingsOptions {
  /** The upgrade chain and its target (tests pass their own chain to exercise a rename). */
  upgrades?: readonly SettingsUpgrade[];
  version?: number;
  now?: () => Date;
  /** Told when a file was upgraded, with its backup's path. */
  onUpgrade?: (fromVersion: number, backupPath: string) => void;
}

export function openSettings(open: () => SettingsBacking, fallbackPath: string, opts: OpenSettingsOptions = {}): SettingsStore {
  const schema = SettingsSchema;
  let backing: SettingsBacking;
  try {
    backing = open();
  } catch (err) {
    const reason = err instanceof SyntaxError ? `not valid JSON (${err.message})` : err instanceof Error ? err.message : String(err);
    throw new SettingsError(fallbackPath, reason);
  }
  const stored = { ...backing.store };
  const firstRun = Object.keys(stored).length === 0;
  const version = opts.version ?? SETTINGS_VERSION;
  // A new file is written in the current format; an existing one is carried forward first.
  const upgrade = firstRun ? ({ ok: true, raw: { version }, fromVersion: version, upgraded: false } as const) : upgradeSettings(stored, opts.upgrades ?? SETTINGS_UPGRADES, version);
  if (!upgrade.ok) throw new SettingsError(backing.path, upgrade.reason);
  const raw: Record<string, unknown> = { ...upgrade.raw };
  const newId = raw.consoleId === undefined;
  if (newId) raw.consoleId = newConsoleId();
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    // Refused before anything is written: the file stays exactly as the installer left it.
    const reason = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new SettingsError(backing.path, reason);
  }
  let current = parsed.data;
  if (upgrade.upgraded) {
    const saved = backup(backing.path, (opts.now ?? (() => new Date()))());
    backing.store = raw;
    opts.onUpgrade?.(upgrade.fromVersion, saved);
  } else if (firstRun || newId) backing.set({ version: raw.version, consoleId: current.consoleId });

  return {
    path: backing.path,
    get: () => current,
    update(patch) {
      const next = schema.parse({ ...current, ...patch });
      backing.set(next as Record<string, unknown>);
      current = next;
      return current;
    },
  };
}
