// The Electron fuses the packaged console ships with: switches compiled into the Electron binary
// that no flag or environment variable can turn back on. Flipped by after-pack.cjs (electron-builder's
// afterPack hook); test/unit/electron-fuses.test.ts checks each one.
const path = require('node:path');

const FUSES = Object.freeze({
  // ELECTRON_RUN_AS_NODE would turn the signed binary into a plain Node for anyone (child processes
  // use Electron's utilityProcess instead: main/electron/utility-process.ts).
  RunAsNode: false,
  // NODE_OPTIONS and --inspect would let any local user inject code into the process holding the
  // grants and the camera credentials.
  EnableNodeOptionsEnvironmentVariable: false,
  EnableNodeCliInspectArguments: false,
  // Cookies encrypted at rest with the OS key store, like safeStorage secrets.
  EnableCookieEncryption: true,
  // The app code is only what was packaged and signed: the asar archive, checked against its hash.
  EnableEmbeddedAsarIntegrityValidation: true,
  OnlyLoadAppFromAsar: true,
});

/** @electron/fuses' configuration object for FUSES (the library maps names to wire positions). */
function fuseConfig(fuses = require('@electron/fuses')) {
  const config = { version: fuses.FuseVersion.V1 };
  for (const [name, value] of Object.entries(FUSES)) {
    const position = fuses.FuseV1Options[name];
    if (position === undefined) throw new Error(`@electron/fuses does not know the fuse ${name}`);
    config[position] = value;
  }
  return config;
}

/** The Electron binary electron-builder just packed (afterPack context). */
function electronBinary(context) {
  const name = context.packager.appInfo.productFilename;
  switch (context.electronPlatformName) {
    case 'darwin':
    case 'mas':
      return path.join(context.appOutDir, `${name}.app`);
    case 'win32':
      return path.join(context.appOutDir, `${name}.exe`);
    default:
      return path.join(context.appOutDir, context.packager.executableName);
  }
}

module.exports = { FUSES, fuseConfig, electronBinary };
