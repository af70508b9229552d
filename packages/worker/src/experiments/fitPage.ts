import { encodeJson, utf8Length } from '@trainwire/core';

/**
 * One page of a paged list method, cut short when it would not fit one message: `key`
 * names the rows in the answer (`experiments`, `artifacts`), `nextOffset` says where the
 * next page starts (absent on the last).
 */
export function fitPage<K extends string, Row>(
  key: K,
  rows: Row[],
  total: number,
  offset: number,
  maxResultBytes: number,
): { [P in K]: Row[] } & { total: number; nextOffset?: number } {
  // Room for the envelope of the response frame around the result.
  while (rows.length > 1 && utf8Length(encodeJson({ [key]: rows, total })) > maxResultBytes - 256)
    rows.pop();
  const end = offset + rows.length;
  return { [key]: rows, total, ...(end < total ? { nextOffset: end } : {}) } as {
    [P in K]: Row[];
  } & { total: number; nextOffset?: number };
}
