import { formatDate, formatDateTime, formatDuration, formatEnd, formatTime, minutesLeft } from '../../renderer/format';

describe('French formats, Europe/Paris', () => {
  test('the example of DOMAIN.md', () => {
    // 17 June 2021 14:05 in Paris is 12:05 UTC (summer time).
    expect(formatDateTime(Date.UTC(2021, 5, 17, 12, 5))).toBe('jeudi 17 juin 2021, 14 h 05');
  });
  test('winter time and midnight', () => {
    expect(formatTime(Date.UTC(2021, 0, 1, 23, 0))).toBe('00 h 00');
    expect(formatDate(Date.UTC(2021, 0, 1, 23, 0))).toBe('samedi 2 janvier 2021');
  });
  test('durations', () => {
    expect(formatDuration(150)).toBe('2 h 30');
    expect(formatDuration(120)).toBe('2 h');
    expect(formatDuration(45)).toBe('45 min');
    expect(formatDuration(725)).toBe('12 h 05');
  });
  test('end times carry the day when not today (Paris calendar)', () => {
    const now = Date.UTC(2021, 5, 17, 12, 48); // 14 h 48 in Paris
    expect(formatEnd(Date.UTC(2021, 5, 17, 14, 0), now)).toBe('16 h 00');
    expect(formatEnd(Date.UTC(2021, 5, 17, 23, 48), now)).toBe('demain 01 h 48');
    expect(formatEnd(Date.UTC(2021, 5, 18, 23, 48), now)).toBe('samedi 19 juin, 01 h 48');
  });
  test('minutes left: one rounding for tiles and banners', () => {
    expect(minutesLeft(60000, 0)).toBe(1);
    expect(minutesLeft(60001, 0)).toBe(2);
    expect(minutesLeft(0, 5)).toBe(0);
  });
});
