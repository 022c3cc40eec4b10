// Proof against theory: the README's M/M/1 queue at ρ = 0.8 over 10^6 customers has a mean
// response time within 3% of 1/(μ − λ). Time unit: mean service 10 ms = 10 000 µs, so
// rounding each exponential delay to a whole µs shifts means by under 0.01%.
import { describe, expect, it } from 'vitest';
import { simulateMM1 } from './mm1-model.js';

describe('M/M/1 queue', () => {
  it('mean response time is within 3% of 1/(μ − λ) at ρ = 0.8 over 10^6 customers', () => {
    const meanService = 10_000; // 1/μ in µs
    const meanInterarrival = 12_500; // 1/λ in µs: ρ = 0.8
    const theory = 1 / (1 / meanService - 1 / meanInterarrival); // 50 000 µs
    const measured = simulateMM1(meanInterarrival, meanService, 1_000_000, 2024);
    expect(Math.abs(measured - theory) / theory).toBeLessThan(0.03);
  }, 60_000);

  it('responds to load as theory says at a lighter load (ρ = 0.5), so the check is not a coincidence', () => {
    const theory = 1 / (1 / 10_000 - 1 / 20_000); // 20 000 µs
    const measured = simulateMM1(20_000, 10_000, 200_000, 7);
    expect(Math.abs(measured - theory) / theory).toBeLessThan(0.03);
  });
});
