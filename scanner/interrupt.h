// Interruption by SIGINT, SIGTERM or SIGHUP: the scan stops reading, and what was found so far
// is reported as a complete, valid report marked incomplete ("complete": false).
//
// install_interrupt_handlers() records the first such signal in a lock-free flag and restores
// the default action, so a second signal ends the process at once. The pipeline's input stages
// and the readers poll interrupted() between files, batches and chunks; nothing else happens in
// the handler. The exit status of an interrupted run is 128 + the signal number (130 for SIGINT,
// 143 for SIGTERM, 129 for SIGHUP), as shells report a process killed by that signal.
#pragma once

namespace reachscan {

// Installs the handlers (idempotent). Call once from main, before the scan starts.
void install_interrupt_handlers();
// True once a handled signal arrived (or request_interrupt was called). Async-signal-safe,
// thread-safe, cheap enough to poll per file.
bool interrupted();
// The signal that interrupted the run, or 0.
int interrupt_signal();
// Marks the run interrupted as if `signal` had arrived; for tests and for callers that stop a
// scan for their own reasons. reset_interrupt() clears the flag (tests).
void request_interrupt(int signal);
void reset_interrupt();

}  // namespace reachscan
