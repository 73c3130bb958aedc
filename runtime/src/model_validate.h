// Semantic validation of a verified FlatBuffer: everything the schema cannot express.
#pragma once

#include <cstddef>

#include "qedge/format/format.h"
#include "qedge/kernel_api/status.h"

namespace qedge::rt {

// Checks indices, shapes, byte sizes, segments and the memory plan. `data_size` is the size of the data
// region that follows the FlatBuffer.
Status validate_model(const fb::Model& model, size_t data_size);

}  // namespace qedge::rt
