#pragma once
// What a ZisK run keeps beside guest memory and registers: the fcall channel (pushed parameters,
// results, cursor) and what fcalls know about the run. The platform's environment is one
// (handlers reach it through h.state<ZiskState>()); memoryless replay has none and needs none,
// because every value a guest observes from it reaches the guest through h.external (logged).
#include "fcall.hpp"

namespace rvtrace::platform::zisk {

struct ZiskState {
  FcallChannel fcall;
  FcallContext context;  // the input's length, for INPUT_READY
};

// The run's ZisK state. Called only inside h.host_only or h.external, where it exists unless a ZisK
// instruction runs on another platform.
template <class H>
ZiskState& zisk_state(H& h) {
  ZiskState* s = h.template state<ZiskState>();
  if (!s) fail("a ZisK fcall instruction ran outside the zisk platform");
  return *s;
}

}  // namespace rvtrace::platform::zisk
