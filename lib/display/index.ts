// Public display API; filled in by lib/display (issue 4).
export {};
