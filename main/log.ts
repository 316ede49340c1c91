import { format } from 'node:util';

export interface Logger {
  info(msg: string, ...args: unknown[]): void;
  warn(msg: string, ...args: unknown[]): void;
  error(msg: string, ...args: unknown[]): void;
}

/** Logs are English, one line each, to stderr (stdout carries the headless URL). */
export function createLogger(scope: string, sink: (line: string) => void = (l) => process.stderr.write(l + '\n')): Logger {
  const line = (level: string, msg: string, args: unknown[]) =>
    sink(`${new Date().toISOString()} ${level} [${scope}] ${format(msg, ...args)}`);
  return {
    info: (m, ...a) => line('info', m, a),
    warn: (m, ...a) => line('warn', m, a),
    error: (m, ...a) => line('error', m, a),
  };
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
