#pragma once
// The run-time state of the ZisK platform that is not guest memory or registers: the fcall channel
// and what fcalls know about the run (the input length). Host-call handlers reach it only through
// Host::external(f), so a trace records what it answered and memoryless replay never needs it.
#include <cstdint>

#include "rvtrace/guest/environment.hpp"

#include "error.hpp"
#include "fcall.hpp"

namespace rvtrace::platform::zisk {

class ZiskRuntime {
 public:
  virtual ~ZiskRuntime() = default;
  FcallChannel fcall;
  FcallContext fcall_context;
};

// The ZisK state behind an environment (every ZisK platform's environment derives from ZiskRuntime).
inline ZiskRuntime& zisk_runtime(guest::Environment& env) {
  auto* z = dynamic_cast<ZiskRuntime*>(&env);
  if (!z) fail("a ZisK instruction ran on a platform that is not zisk");
  return *z;
}

}  // namespace rvtrace::platform::zisk
