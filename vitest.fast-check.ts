// Property tests explore new random cases on every local run, but CI must not turn red on a
// case no change caused: under CI=true every fc.assert uses one fixed seed (override with
// FC_SEED=n to replay a failure, whose seed fast-check prints).
import fc from 'fast-check';

const seed = process.env.FC_SEED ?? (process.env.CI ? '20261126' : undefined);
if (seed !== undefined) fc.configureGlobal({ ...fc.readConfigureGlobal(), seed: Number(seed) });
