/**
 * A whole number with thousands separators (10000 → "10,000"), the same in every runtime: messages
 * must not depend on the host's Intl data.
 */
export const withThousands = (value: number): string =>
  String(value).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
