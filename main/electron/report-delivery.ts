/**
 * Electron's side of the reports: the save dialog, and the print dialog on the PDF. Thin on
 * purpose — the file is built and journaled in main/reports/ the same way in both shells — and
 * NOT exercised by the tests: the Electron binary cannot run on the build machines (the
 * headless shell's one-time links are tested instead).
 */
import { app, BrowserWindow, dialog } from 'electron';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ReportDelivery } from '../reports/service';

export function electronReportDelivery(parent: () => BrowserWindow | undefined): ReportDelivery {
  return {
    async deliver(file, mode) {
      if (mode === 'print') {
        // Chromium's PDF viewer in a window of its own, sandboxed, then the system print dialog.
        const w = new BrowserWindow({ parent: parent(), width: 1000, height: 800, title: file.fileName, webPreferences: { sandbox: true, contextIsolation: true, nodeIntegration: false, plugins: true, disableBlinkFeatures: 'Auxclick' } });
        w.on('closed', () => void fs.rm(file.path, { force: true }));
        await w.loadURL(pathToFileURL(file.path).toString());
        w.webContents.print({ silent: false, printBackground: true }, () => undefined);
        return { savedTo: null };
      }
      const ext = path.extname(file.fileName).slice(1);
      const options = { defaultPath: path.join(app.getPath('documents'), file.fileName), filters: [{ name: ext.toUpperCase(), extensions: [ext] }] };
      const win = parent();
      const choice = win ? await dialog.showSaveDialog(win, options) : await dialog.showSaveDialog(options);
      try {
        if (choice.canceled || !choice.filePath) return { savedTo: null };
        await fs.copyFile(file.path, choice.filePath);
        return { savedTo: choice.filePath };
      } finally {
        await fs.rm(file.path, { force: true });
      }
    },
  };
}
