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
