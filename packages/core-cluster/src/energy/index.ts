// Energy: host power models (linear, SPECpower 11-point table) and exact per-host energy meters.
export { checkUtilization, powerModel } from './power-model.js';
export type { PowerModel, PowerSpecInput } from './power-model.js';
export { createEnergyMeter, WATT_MICROS_PER_KWH } from './energy-meter.js';
export type { EnergyMeter, EnergyReport } from './energy-meter.js';
