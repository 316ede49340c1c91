import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface Goal {
  metric: string;
  op: '<=' | '>=';
  value: number;
}

/** Writes bench-results/<name>.json and prints a readable table with each goal met or missed. */
export function report(name: string, metrics: Record<string, number>, goals: Goal[] = [], extraEnv: Record<string, unknown> = {}): boolean {
  const env = { node: process.version, platform: `${os.platform()} ${os.release()}`, cpus: os.cpus().length, cpu: os.cpus()[0]?.model ?? '', memGb: Math.round(os.totalmem() / 2 ** 30), ...extraEnv, at: new Date().toISOString() };
  const dir = path.resolve(__dirname, '..', '..', 'bench-results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, `${name}.json`), JSON.stringify({ name, metrics, env }, null, 2) + '\n');
  const rows = Object.entries(metrics).map(([k, v]) => {
    const g = goals.find((x) => x.metric === k);
    const ok = g ? (g.op === '<=' ? v <= g.value : v >= g.value) : undefined;
    return [k, Number.isInteger(v) ? String(v) : v.toFixed(3), g ? `${g.op} ${g.value}` : '', ok === undefined ? '' : ok ? 'met' : 'MISSED'];
  });
  const widths = [0, 1, 2, 3].map((i) => Math.max(...[['metric', 'value', 'goal', ''], ...rows].map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  console.log(`\nbench ${name}`);
  console.log(line(['metric', 'value', 'goal', '']));
  for (const r of rows) console.log(line(r));
  console.log(`written to bench-results/${name}.json`);
  return rows.every((r) => r[3] !== 'MISSED');
}
