// The test oracle of the flow model: the same problem filled from scratch by core-scheduler's
// progressiveFill over every active flow and every link.
import { progressiveFill } from '@strata/core-scheduler';
import type { FlowNetwork } from '../src/flows/index.js';

/** Rates of `net`'s active flows (in `flowIds()` order) as a full progressive fill computes them. */
export function fullRates(net: FlowNetwork): number[] {
  const linkIds = net.linkIds();
  const index = new Map(linkIds.map((id, i) => [id, i]));
  const caps = linkIds.map((id) => net.link(id).capacityBytesPerSecond);
  const flows = net.flowIds().map((id) => {
    const f = net.flow(id);
    const resources = f.path.map((l) => index.get(l)!);
    return f.capBytesPerSecond === Infinity ? { weight: f.weight, resources } : { weight: f.weight, cap: f.capBytesPerSecond, resources };
  });
  return progressiveFill(caps, flows).rates;
}
