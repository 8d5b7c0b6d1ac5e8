/** Instants in events are integer epoch milliseconds; read models show PAY.JP's Unix seconds. */
export const DAY_MS = 24 * 60 * 60 * 1000;
const JST_OFFSET_MS = 9 * 60 * 60 * 1000;

export const toUnixSeconds = (ms: number): number => Math.floor(ms / 1000);

/** The last millisecond of the calendar day in Japan (JST, UTC+9, no daylight saving) that contains `at`. */
export const endOfDayInJapan = (at: number): number => {
  const jst = at + JST_OFFSET_MS;
  return jst - (((jst % DAY_MS) + DAY_MS) % DAY_MS) + DAY_MS - 1 - JST_OFFSET_MS;
};
