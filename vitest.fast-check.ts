// Property tests explore new random cases on every local run, but CI must not turn red on a
// case no change caused: under CI=true every fc.assert uses one fixed seed (override with
// FC_SEED=n to replay a failure, whose seed fast-check prints; FC_PATH=p with it replays just the
// shrunk case fast-check printed as `path`).
import fc from 'fast-check';

const seed = process.env.FC_SEED ?? (process.env.CI ? '20261126' : undefined);
const path = process.env.FC_PATH;
if (seed !== undefined) fc.configureGlobal({ ...fc.readConfigureGlobal(), seed: Number(seed), ...(path === undefined ? {} : { path, endOnFailure: true }) });
