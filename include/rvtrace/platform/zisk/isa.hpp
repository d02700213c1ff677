#pragma once
// The `zisk` instruction set: RV64IMAC and ZisK's CSR instructions (instructions.hpp).
#include <string_view>

#include "rvtrace/isa/instruction_set.hpp"

#include "instructions.hpp"

namespace rvtrace::platform::zisk {

struct ZiskIsa : WithZiskInstructions<isa::InstructionSet> {
  static constexpr std::string_view name = "zisk";
};

}  // namespace rvtrace::platform::zisk
