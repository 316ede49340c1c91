import { z } from 'zod';

/** Everything a console operator or installer can set. Unknown keys are refused (typos must not pass silently). */
export const SettingsSchema = z
  .object({
    consoleId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{2,63}$/, 'letters, digits, _ and -, 3 to 64 characters'),
    mode: z.enum(['demo', 'production']).default('demo'),
    ffmpegPath: z.string().min(1).optional(),
    language: z.enum(['fr', 'en']).default('fr'),
  })
  .strict();

export type Settings = z.infer<typeof SettingsSchema>;
