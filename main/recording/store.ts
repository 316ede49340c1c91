/**
 * Where recordings live: `<dataDir>/recordings/<grantId>/<cameraId>/<start>-<end>.seg` (the
 * segment in progress: `<start>.part`), folders 0700 and files 0600 — only the console's user
 * reads them, and even they need the key. Each grant folder holds `grant.json`: its site and the
 * retention its convention gave it when it was accepted, which the purge reads (capped at 30
 * days, CSI L252-5, whatever the file says).
 */
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/** The law's ceiling on keeping recorded images (CSI L252-5): one month. */
export const MAX_RETENTION_DAYS = 30;

const SEG_RE = /^(\d{1,16})-(\d{1,16})\.seg$/;
const PART_RE = /^(\d{1,16})\.part$/;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const CAMERA_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;

export const GrantMeta = z.object({ grantId: z.string(), siteId: z.string(), retentionDays: z.number().int().min(1).max(MAX_RETENTION_DAYS), startsAt: z.number(), endsAt: z.number() }).strict();
export type GrantMeta = z.infer<typeof GrantMeta>;

export interface SegmentRef {
  grantId: string;
  cameraId: string;
  start: number;
  end: number;
  file: string;
}

export class RecordingStore {
  constructor(readonly root: string) {}

  private mkdir(dir: string): string {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    chmodSync(dir, 0o700);
    return dir;
  }

  cameraDir(grantId: string, cameraId: string, create = false): string {
    if (!UUID_RE.test(grantId) || !CAMERA_RE.test(cameraId)) throw new Error('bad grant or camera id for a recording path');
    const dir = path.join(this.root, grantId, cameraId);
    if (create) {
      this.mkdir(this.root);
      this.mkdir(path.join(this.root, grantId));
      this.mkdir(dir);
    }
    return dir;
  }

  partPath(grantId: string, cameraId: string, start: number): string {
    return path.join(this.cameraDir(grantId, cameraId, true), `${start}.part`);
  }

  segmentPath(grantId: string, cameraId: string, start: number, end: number): string {
    return path.join(this.cameraDir(grantId, cameraId), `${start}-${end}.seg`);
  }

  /** The name the journal keeps: relative to the recordings folder, so a moved data folder still matches. */
  relative(file: string): string {
    return path.relative(this.root, file).split(path.sep).join('/');
  }

  writeMeta(meta: GrantMeta): void {
    const dir = path.join(this.root, meta.grantId);
    this.mkdir(this.root);
    this.mkdir(dir);
    writeFileSync(path.join(dir, 'grant.json'), JSON.stringify(meta), { mode: 0o600 });
  }

  readMeta(grantId: string): GrantMeta | undefined {
    try {
      return GrantMeta.parse(JSON.parse(readFileSync(path.join(this.root, grantId, 'grant.json'), 'utf8')));
    } catch {
      return undefined;
    }
  }

  grantIds(): string[] {
    if (!existsSync(this.root)) return [];
    return readdirSync(this.root).filter((n) => UUID_RE.test(n));
  }

  private cameraIds(grantId: string): string[] {
    const dir = path.join(this.root, grantId);
    return existsSync(dir) ? readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory() && CAMERA_RE.test(d.name)).map((d) => d.name) : [];
  }

  /** Sealed segments of a grant (every camera, or one), oldest first. */
  segments(grantId: string, cameraId?: string): SegmentRef[] {
    const out: SegmentRef[] = [];
    for (const cam of cameraId ? [cameraId] : this.cameraIds(grantId)) {
      const dir = path.join(this.root, grantId, cam);
      if (!existsSync(dir)) continue;
      for (const name of readdirSync(dir)) {
        const m = SEG_RE.exec(name);
        if (m) out.push({ grantId, cameraId: cam, start: Number(m[1]), end: Number(m[2]), file: path.join(dir, name) });
      }
    }
    return out.sort((a, b) => a.start - b.start);
  }

  /** `.part` files a crash left behind. */
  parts(): { grantId: string; cameraId: string; start: number; file: string }[] {
    const out: { grantId: string; cameraId: string; start: number; file: string }[] = [];
    for (const g of this.grantIds()) {
      for (const cam of this.cameraIds(g)) {
        const dir = path.join(this.root, g, cam);
        for (const name of readdirSync(dir)) {
          const m = PART_RE.exec(name);
          if (m) out.push({ grantId: g, cameraId: cam, start: Number(m[1]), file: path.join(dir, name) });
        }
      }
    }
    return out;
  }
}
