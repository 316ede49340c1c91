import { dateTimeNumeric, durationFrench, hourFrench, shortFingerprint } from '../../main/reports/format';
import { parisMidnight, periodRange } from '../../main/reports/period';

/** The report's French formats and Paris periods, against Intl's own Paris time on every hour around both summer-time switches. */
describe('report formats and periods', () => {
  test('dates « 17/06/2021 14:05 » in Paris time, including around the summer-time switches', () => {
    expect(dateTimeNumeric(Date.UTC(2021, 5, 17, 12, 5))).toBe('17/06/2021 14:05');
    expect(hourFrench(Date.UTC(2021, 0, 17, 13, 5))).toBe('14 h 05');
    const intl = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    for (const start of [Date.UTC(2021, 2, 27), Date.UTC(2021, 9, 30)]) {
      for (let ms = start; ms < start + 2 * 86400000; ms += 17 * 60000) expect(dateTimeNumeric(ms)).toBe(intl.format(ms).replace(',', ''));
    }
  });

  test('durations and fingerprints', () => {
    expect(durationFrench(150)).toBe('2 h 30');
    expect(durationFrench(120)).toBe('2 h');
    expect(durationFrench(45)).toBe('45 min');
    expect(shortFingerprint('3f2a' + '0'.repeat(58) + 'c9')).toBe('3f2a…c9');
  });

  test('periods are Paris days: midnight to midnight, weeks from Monday, months whole, at most 366 days', () => {
    expect(parisMidnight('2021-06-17')).toBe(Date.UTC(2021, 5, 16, 22));
    expect(parisMidnight('2021-01-17')).toBe(Date.UTC(2021, 0, 16, 23));
    // The night summer time starts has 23 hours.
    const d = periodRange({ kind: 'day', day: '2021-03-28' });
    expect(d.to - d.from).toBe(23 * 3600000);
    expect(periodRange({ kind: 'week', day: '2021-06-17' })).toMatchObject({ first: '2021-06-14', last: '2021-06-20' });
    expect(periodRange({ kind: 'month', month: '2024-02' })).toMatchObject({ first: '2024-02-01', last: '2024-02-29' });
    expect(() => periodRange({ kind: 'custom', from: '2021-06-02', to: '2021-06-01' })).toThrow(expect.objectContaining({ code: 'PERIOD_INVALID' }));
    expect(() => periodRange({ kind: 'custom', from: '2020-01-01', to: '2021-01-01' })).toThrow(expect.objectContaining({ code: 'REPORT_PERIOD_TOO_LONG' }));
    expect(periodRange({ kind: 'custom', from: '2020-01-01', to: '2020-12-31' }).last).toBe('2020-12-31');
    expect(() => periodRange({ kind: 'day', day: '' })).toThrow(expect.objectContaining({ code: 'PERIOD_EMPTY' }));
    expect(() => periodRange({ kind: 'month', month: '2021-13' })).toThrow(expect.objectContaining({ code: 'PERIOD_INVALID' }));
  });
});
