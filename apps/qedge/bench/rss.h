// Peak resident memory of this process (Linux /proc/self/status VmHWM) and resetting that peak, so a measuring
// child process reports the peak of what it does after the reset rather than what it inherited or did before.
#pragma once

namespace qedge::cli::bench {

// VmHWM in MiB; 0 when /proc is not readable.
double peak_rss_mb();
// Resets VmHWM to the current RSS (writes 5 to /proc/self/clear_refs); false when the kernel does not allow it.
bool reset_peak_rss();

}  // namespace qedge::cli::bench
