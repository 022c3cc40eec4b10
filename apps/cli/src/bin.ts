#!/usr/bin/env node
// The `strata` executable: everything lives in main.ts so tests can run it in-process.
import { main } from './main.js';

void main(process.argv);
