import { z } from 'zod';
import { SETTINGS_VERSION } from './upgrades';

/** Everything a console operator or installer can set. Unknown keys are refused (typos must not pass silently). */
export const SettingsSchema = z
  .object({
    /** The file's format (upgrades.ts carries older files forward). */
    version: z.literal(SETTINGS_VERSION),
    consoleId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{2,63}$/, 'letters, digits, _ and -, 3 to 64 characters'),
    mode: z.enum(['demo', 'production']).default('demo'),
    ffmpegPath: z.string().min(1).optional(),
    language: z.enum(['fr', 'en']).default('fr'),
    /** The central registry server (its token is a secret, never in this file). None: embedded server in demo mode. */
    mirror: z
      .object({
        serverUrl: z.string().url().regex(/^https?:\/\//),
        /** A PEM file of the CA that signed the server's certificate (an internal PKI), trusted besides the public roots. */
        caFile: z.string().min(1).optional(),
        /** How often the central catalogue is asked for (ms; 60 s by default, shorter in tests). */
        cataloguePollMs: z.number().int().min(200).max(3600000).optional(),
      })
      .strict()
      .optional(),
    /**
     * Who the registry reports are from (their header). Optional with the demo site's values, so a
     * version-1 file without it still reads; a production console sets its own.
     */
    organisation: z
      .object({ commune: z.string().min(1).max(200), csuName: z.string().min(1).max(200) })
      .strict()
      .default({ commune: 'Charenton-le-Pont', csuName: 'Centre de supervision urbaine de Charenton-le-Pont' }),
    /** Size and rate of the demo site's test-pattern cameras (two cores decode everything here). */
    demoCamera: z
      .object({ width: z.number().int().min(160).max(1920), height: z.number().int().min(90).max(1080), fps: z.number().int().min(1).max(30) })
      .strict()
      .default({ width: 640, height: 360, fps: 15 }),
    /**
     * Recordings (issue G3, only where a convention allows them): the most they may take on disk.
     * Over it, or below 10 % free disk, recording stops (never the live view). 50 GB holds about a
     * month of two 2 Mbit/s cameras recorded two hours a day.
     */
    recording: z
      .object({ quotaGb: z.number().positive().max(100_000) })
      .strict()
      .default({ quotaGb: 50 }),
  })
  .strict();

export type Settings = z.infer<typeof SettingsSchema>;
