import type { Operand } from './leaf-operands.js';
import type { Operator } from './operators.js';

/** The operator over an operand-typed value (a number, a date, or normalised text). */
export function valuePredicate(op: Operator, operands: Operand[]): (v: Operand) => boolean {
  const a = operands[0] as Operand;
  const b = operands[1] as Operand;
  switch (op) {
    case 'equal_to':
      return (v) => v === a;
    case 'not_equal_to':
      return (v) => v !== a;
    case 'less_than':
      return (v) => v < a;
    case 'greater_than':
      return (v) => v > a;
    case 'less_than_equal_to':
      return (v) => v <= a;
    case 'greater_than_equal_to':
      return (v) => v >= a;
    case 'between':
      return (v) => v >= a && v <= b;
    case 'contains':
      return (v) => (v as string).includes(a as string);
    case 'not_contains':
      return (v) => !(v as string).includes(a as string);
    case 'starts_with':
      return (v) => (v as string).startsWith(a as string);
    case 'ends_with':
      return (v) => (v as string).endsWith(a as string);
    case 'in': {
      // A hashed set: a 10,000-value list costs one lookup per row, like a one-value list.
      const set = new Set<Operand>(operands);
      return (v) => set.has(v);
    }
    case 'not_in': {
      const set = new Set<Operand>(operands);
      return (v) => !set.has(v);
    }
    default:
      return () => false;
  }
}
