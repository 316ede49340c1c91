import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import yauzl from 'yauzl';
import { ZipFile } from 'yazl';
import { repoRoot } from './tmp';

/** An evidence bundle's files, read back with a zip library the console does not write with. */
export function unzip(file: string): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return reject(err);
      const out = new Map<string, Buffer>();
      zip.on('end', () => resolve(out));
      zip.on('entry', (e: yauzl.Entry) =>
        zip.openReadStream(e, (er, s) => {
          if (er || !s) return reject(er);
          const chunks: Buffer[] = [];
          s.on('data', (c: Buffer) => chunks.push(c)).on('end', () => (out.set(e.fileName, Buffer.concat(chunks)), zip.readEntry()));
        }),
      );
      zip.readEntry();
    });
  });
}

/** A bundle rezipped as a tamperer would, with whatever files were changed, added or left out. */
export function zipOf(files: Map<string, Buffer>, file: string): Promise<string> {
  const z = new ZipFile();
  for (const [name, data] of files) z.addBuffer(data, name);
  z.end();
  return new Promise((resolve) => z.outputStream.pipe(createWriteStream(file)).on('close', () => resolve(file)));
}

/** `csu-verify` as a user runs it (the built bin), its exit code and what it printed. */
export function runVerifier(args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(repoRoot, 'dist', 'main', 'verify.js'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('close', (code) => resolve({ code, out }));
  });
}
