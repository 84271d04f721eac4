/**
 * The CUSIP check digit (the ninth character) of the first eight, or `undefined` when they are
 * not eight CUSIP characters. Letters count 10–35; `*`, `@`, `#` count 36–38.
 */
export function cusipCheckDigit(first8: string): string | undefined {
  if (first8.length !== 8) return undefined;
  let sum = 0;
  for (let i = 0; i < 8; i++) {
    const c = first8.charCodeAt(i);
    let v: number;
    if (c >= 48 && c <= 57) v = c - 48;
    else if (c >= 65 && c <= 90) v = c - 55;
    else if (c >= 97 && c <= 122) v = c - 87;
    else if (c === 42) v = 36;
    else if (c === 64) v = 37;
    else if (c === 35) v = 38;
    else return undefined;
    if (i % 2 === 1) v *= 2;
    sum += Math.floor(v / 10) + (v % 10);
  }
  return String((10 - (sum % 10)) % 10);
}

/** True for a 9-character CUSIP whose check digit is right. */
export function isValidCusip(cusip: string): boolean {
  return cusip.length === 9 && cusipCheckDigit(cusip.slice(0, 8)) === cusip[8];
}

/**
 * The CUSIP inside an ISIN (SPEC §8: an ISIN is searched as its CUSIP): the nine characters after
 * the two-letter country code, when `isin` is twelve ISIN characters with a right check digit;
 * otherwise `undefined` (a twelve-character ticker text is not mistaken for an ISIN).
 *
 * @example
 * ```ts
 * cusipOfIsin('US0378331005'); // '037833100'
 * ```
 */
export function cusipOfIsin(isin: string): string | undefined {
  const upper = isin.trim().toUpperCase();
  if (!/^[A-Z]{2}[A-Z0-9]{9}[0-9]$/.test(upper)) return undefined;
  return isinCheckDigit(upper.slice(0, 11)) === upper[11] ? upper.slice(2, 11) : undefined;
}

/**
 * The ISIN of a CUSIP in a country (default `US`): the country code, the CUSIP and the ISIN
 * check digit.
 *
 * @example
 * ```ts
 * isinOfCusip('037833100'); // 'US0378331005'
 * ```
 */
export function isinOfCusip(cusip: string, country = 'US'): string {
  const body = `${country}${cusip}`.toUpperCase();
  return `${body}${isinCheckDigit(body)}`;
}

/** ISO 6166: letters count 10–35; the digits of the expansion take the Luhn check. */
function isinCheckDigit(first11: string): string {
  const digits = [...first11]
    .map((ch) => (ch >= 'A' ? String(ch.charCodeAt(0) - 55) : ch))
    .join('');
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let v = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 0) v *= 2;
    sum += Math.floor(v / 10) + (v % 10);
  }
  return String((10 - (sum % 10)) % 10);
}
