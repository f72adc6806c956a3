import fc from 'fast-check';

// A property runs synchronously: one that fails and shrinks for minutes (1,474 shrinks were seen) holds
// the worker's event loop, and vitest then reports its own RPC timeout on top of the failure. Past 40 s
// a run stops where it is and fails with the counterexample found so far.
fc.configureGlobal({ interruptAfterTimeLimit: 40_000, markInterruptAsFailure: true });
