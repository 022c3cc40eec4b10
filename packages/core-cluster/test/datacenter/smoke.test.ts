import { describe, expect, it } from 'vitest';
import { createDatacenter } from '../../src/index.js';
import { nested } from './fixtures.js';

describe('smoke', () => {
  it('builds and steps', () => {
    const dc = createDatacenter(nested());
    console.log(dc.hosts().map((h) => [h.name, h.vms, h.cpuUtilization]));
    dc.step(10_000_000);
    console.log(dc.vms().map((v) => [v.name, v.state, v.host, v.cpuUsec, v.stealUsec]));
    console.log(dc.containers().map((c) => [c.name, c.state, c.cpuUsec]));
    console.log(dc.takeEvents().slice(0, 20));
    expect(dc.now()).toBe(10_000_000);
  });
});
