/** PAY.JP's list object. `count` is the number of objects returned (PAYJP-API.md 1.6). */
export interface PayjpList<T> {
  readonly count: number;
  readonly data: readonly T[];
  readonly has_more: boolean;
  readonly object: 'list';
  readonly url: string;
}

export const payjpList = <T>(data: readonly T[], hasMore: boolean, url: string): PayjpList<T> => ({
  count: data.length,
  data,
  has_more: hasMore,
  object: 'list',
  url,
});
