// Setup for Stryker's runs only (vitest.stryker.config.ts): every fast-check property stops after 250 ms and
// counts as passed. A mutant that a property catches is caught in its first runs (almost all are), and one that
// only a property's long tail would catch shows up as a survivor, to be killed by a test of its own. Without the
// bound, every surviving mutant of src/kafka/wire re-ran ~10 s of properties and the folder took ~4 hours.
import fc from 'fast-check';

fc.configureGlobal({ interruptAfterTimeLimit: 250, markInterruptAsFailure: false });
// A property that counts its cases checks the counts only when it ran whole.
