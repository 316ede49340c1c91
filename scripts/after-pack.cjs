// electron-builder's afterPack hook (electron-builder.yml): flips the fuses of electron-fuses.cjs
// in the packed Electron binary, before it is signed and wrapped into an installer.
const { flipFuses } = require('@electron/fuses');
const { electronBinary, fuseConfig } = require('./electron-fuses.cjs');

exports.default = async function afterPack(context) {
  const binary = electronBinary(context);
  await flipFuses(binary, { ...fuseConfig(), resetAdHocDarwinSignature: context.electronPlatformName === 'darwin' && context.arch === 3 /* arm64 */ });
  console.log(`fuses flipped in ${binary}`);
};
