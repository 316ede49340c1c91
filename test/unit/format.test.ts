import { formatDate, formatDateTime, formatDuration, formatTime } from '../../renderer/format';

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
});
