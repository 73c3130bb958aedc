// Scratch memory for the fast kernels' run(): sized at prepare, never initialized. A value-initialized std::vector
// would write every byte at prepare (mobilenet_v2's QDQ file took 9-32 ms to load instead of 1.5-2 ms, and the
// untouched pages of a buffer that only grows would all be resident); here the pages are first touched by the run that
// uses them.
#pragma once

#include <cstddef>
#include <memory>

namespace qedge::fast {

template <typename T>
class ScratchBuffer {
 public:
  // At least n elements (contents unspecified); keeps the buffer when it is already large enough.
  T* grow(size_t n) {
    if (n > size_) {
      data_.reset(new T[n]);
      size_ = n;
    }
    return data_.get();
  }
  T* data() const { return data_.get(); }

 private:
  std::unique_ptr<T[]> data_;
  size_t size_ = 0;
};

}  // namespace qedge::fast
