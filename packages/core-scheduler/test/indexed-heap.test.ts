// The fluid model's indexed heap against a plain list: random inserts, key changes, removals and pops.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { HeapSlot, IndexedMinHeap } from '../src/groups/indexed-heap.js';

describe('IndexedMinHeap', () => {
  it('always pops a least key and keeps every position right, whatever the operations', () => {
    const opArb = fc.record({ kind: fc.constantFrom('set', 'set', 'remove', 'pop'), slot: fc.nat({ max: 40 }), key: fc.integer({ min: 0, max: 50 }) });
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 300 }), (ops) => {
        const heap = new IndexedMinHeap<number>();
        const slots = Array.from({ length: 41 }, (_, i) => new HeapSlot(i));
        const model = new Map<number, number>();
        for (const op of ops) {
          if (op.kind === 'set') {
            heap.set(slots[op.slot]!, op.key);
            model.set(op.slot, op.key);
          } else if (op.kind === 'remove') {
            heap.remove(slots[op.slot]!);
            model.delete(op.slot);
          } else if (heap.size > 0) {
            const least = Math.min(...model.values());
            const popped = heap.pop();
            expect(popped.key).toBe(least);
            expect(model.get(popped.owner)).toBe(least);
            expect(popped.pos).toBe(-1);
            model.delete(popped.owner);
          }
          expect(heap.size).toBe(model.size);
          expect(heap.top()?.key ?? Infinity).toBe(model.size === 0 ? Infinity : Math.min(...model.values()));
          for (const s of slots) expect(s.pos >= 0).toBe(model.has(s.owner));
        }
        const drained: number[] = [];
        while (heap.size > 0) drained.push(heap.pop().key);
        expect(drained).toEqual([...model.values()].sort((a, b) => a - b));
      }),
      { numRuns: 300 },
    );
  });
});
