/** Which ffmpeg the relay runs: a setting, else FFMPEG_PATH, else the one @ffmpeg-installer ships. */
export function resolveFfmpegPath(setting: string | undefined): string {
  if (setting) return setting;
  if (process.env.FFMPEG_PATH) return process.env.FFMPEG_PATH;
  const bundled = (require('@ffmpeg-installer/ffmpeg') as { path: string }).path;
  // Packaged app: the binary is unpacked next to the asar archive (electron-builder.yml).
  return bundled.replace(`app.asar${require('node:path').sep}`, `app.asar.unpacked${require('node:path').sep}`);
}
