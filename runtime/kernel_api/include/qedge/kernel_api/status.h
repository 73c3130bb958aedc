// Status and Result: errors as values. Every user-caused failure travels as one of these
// up to the C API, where it becomes an error code and a message.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace qedge {

// Numbering matches qedge_status in qedge.h.
enum class StatusCode : int {
  kOk = 0,
  kInvalidArgument = 1,   // caller passed something wrong (bad input shape, unknown name)
  kInvalidModel = 2,      // the model file or graph is malformed
  kUnsupported = 3,       // valid, but this build cannot run it
  kIoError = 4,           // file could not be read or written
  kOutOfMemory = 5,
  kShapeMismatch = 6,     // shapes disagree
  kInternal = 7,
  kNeedsValues = 8,       // shape inference only: output shape depends on input values not known yet
};

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }
  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // Prefixes context ("node 'conv1' (Conv): ") to the message, keeping the code.
  Status with_context(const std::string& context) const {
    if (ok()) return *this;
    return Status(code_, context + message_);
  }

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

inline Status InvalidArgument(std::string m) { return Status(StatusCode::kInvalidArgument, std::move(m)); }
inline Status InvalidModel(std::string m) { return Status(StatusCode::kInvalidModel, std::move(m)); }
inline Status Unsupported(std::string m) { return Status(StatusCode::kUnsupported, std::move(m)); }
inline Status ShapeMismatch(std::string m) { return Status(StatusCode::kShapeMismatch, std::move(m)); }
inline Status IoError(std::string m) { return Status(StatusCode::kIoError, std::move(m)); }
inline Status Internal(std::string m) { return Status(StatusCode::kInternal, std::move(m)); }
inline Status NeedsValues(std::string m) { return Status(StatusCode::kNeedsValues, std::move(m)); }

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {}  // NOLINT
  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() { return value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace qedge

#define QEDGE_CONCAT_INNER(a, b) a##b
#define QEDGE_CONCAT(a, b) QEDGE_CONCAT_INNER(a, b)

#define QEDGE_RETURN_IF_ERROR(expr)              \
  do {                                           \
    ::qedge::Status qedge_status_ = (expr);      \
    if (!qedge_status_.ok()) return qedge_status_; \
  } while (0)

#define QEDGE_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                \
  if (!tmp.ok()) return tmp.status();               \
  lhs = std::move(tmp).value()

#define QEDGE_ASSIGN_OR_RETURN(lhs, expr) \
  QEDGE_ASSIGN_OR_RETURN_IMPL(QEDGE_CONCAT(qedge_result_, __LINE__), lhs, expr)
