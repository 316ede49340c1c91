/**
 * The settings file's upgrade chain. Each released format has a number; a file written by an
 * older console is carried forward step by step, never refused for a key that only changed name
 * (an installer's settings must survive an update). To change the format: bump
 * SETTINGS_VERSION, add the step from the previous version here, and change schema.ts.
 */
export type RawSettings = Record<string, unknown>;

export interface SettingsUpgrade {
  /** The version this step reads; it returns the next one. */
  from: number;
  up(raw: RawSettings): RawSettings;
}

export const SETTINGS_VERSION = 1;

export const SETTINGS_UPGRADES: readonly SettingsUpgrade[] = [
  // 0: the files written before settings carried a version (same keys as 1).
  { from: 0, up: (raw) => ({ ...raw }) },
];

/** Moves a key (dotted paths are not needed yet); an explicit new value wins over the old one. */
export function renameKey(raw: RawSettings, from: string, to: string): RawSettings {
  if (!(from in raw)) return raw;
  const { [from]: value, ...rest } = raw;
  return to in rest ? rest : { ...rest, [to]: value };
}

export type UpgradeResult = { ok: true; raw: RawSettings; fromVersion: number; upgraded: boolean } | { ok: false; reason: string };

/** Applies the chain to a file's content: a file with no `version` is version 0. */
export function upgradeSettings(raw: RawSettings, chain: readonly SettingsUpgrade[] = SETTINGS_UPGRADES, target = SETTINGS_VERSION): UpgradeResult {
  const v = raw.version ?? 0;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) return { ok: false, reason: `version: not a settings version (${JSON.stringify(v)})` };
  // A file from a newer console may hold keys this one would misread: refuse, like the database.
  if (v > target) return { ok: false, reason: `version: ${v} is newer than this console knows (${target})` };
  let out: RawSettings = { ...raw };
  for (let at = v; at < target; at++) {
    const step = chain.find((s) => s.from === at);
    if (!step) return { ok: false, reason: `version: no upgrade from ${at}` };
    out = { ...step.up(out), version: at + 1 };
  }
  return { ok: true, raw: out, fromVersion: v, upgraded: v < target };
}
