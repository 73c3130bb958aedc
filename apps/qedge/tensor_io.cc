#include "tensor_io.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include "onnx/tensor_proto.h"
#include "qedge/kernel_api/float16.h"

namespace qedge::cli {
namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

struct NpyType {
  const char* descr;
  DType dtype;
};
const NpyType kNpyTypes[] = {
    {"<f4", DType::kFloat32}, {"<f8", DType::kFloat64}, {"<f2", DType::kFloat16}, {"|i1", DType::kInt8},
    {"|u1", DType::kUint8},   {"<i2", DType::kInt16},   {"<u2", DType::kUint16},  {"<i4", DType::kInt32},
    {"<u4", DType::kUint32},  {"<i8", DType::kInt64},   {"<u8", DType::kUint64},  {"|b1", DType::kBool},
};

Result<TensorData> read_npy(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return IoError("cannot open " + path);
  std::stringstream ss;
  ss << f.rdbuf();
  const std::string data = ss.str();
  if (data.size() < 10 || data.compare(0, 6, "\x93NUMPY") != 0) return InvalidArgument(path + " is not a .npy file");
  const int major = static_cast<unsigned char>(data[6]);
  size_t header_len, header_start;
  if (major == 1) {
    header_len = static_cast<unsigned char>(data[8]) | (static_cast<unsigned char>(data[9]) << 8);
    header_start = 10;
  } else {
    if (data.size() < 12) return InvalidArgument(path + ": truncated .npy header");
    header_len = 0;
    for (int i = 0; i < 4; ++i) header_len |= static_cast<size_t>(static_cast<unsigned char>(data[8 + i])) << (8 * i);
    header_start = 12;
  }
  if (header_start + header_len > data.size()) return InvalidArgument(path + ": truncated .npy header");
  const std::string header = data.substr(header_start, header_len);
  if (header.find("'fortran_order': True") != std::string::npos) {
    return Unsupported(path + ": Fortran-ordered .npy files are not supported");
  }
  TensorData t;
  const auto d = header.find("'descr': '");
  if (d == std::string::npos) return InvalidArgument(path + ": .npy header has no descr");
  const std::string descr = header.substr(d + 10, 3);
  for (const auto& nt : kNpyTypes) {
    if (descr == nt.descr) t.dtype = nt.dtype;
  }
  if (t.dtype == DType::kUndefined) return Unsupported(path + ": .npy dtype '" + descr + "' is not supported");
  const auto s = header.find("'shape': (");
  if (s == std::string::npos) return InvalidArgument(path + ": .npy header has no shape");
  const auto e = header.find(')', s);
  std::stringstream dims(header.substr(s + 10, e - s - 10));
  std::string item;
  while (std::getline(dims, item, ',')) {
    const auto first = item.find_first_not_of(' ');
    if (first == std::string::npos) continue;
    char* end = nullptr;
    errno = 0;
    const long long d = std::strtoll(item.c_str() + first, &end, 10);
    if (end == item.c_str() + first || errno == ERANGE || d < 0 || item.find_first_not_of(' ', end - item.c_str()) != std::string::npos) {
      return InvalidArgument(path + ": .npy shape has an invalid dimension '" + item + "'");
    }
    t.shape.push_back(d);
  }
  QEDGE_ASSIGN_OR_RETURN(int64_t n, checked_num_elements(t.shape));
  const size_t bytes = dtype_storage_bytes(t.dtype, n);
  const size_t start = header_start + header_len;
  if (data.size() - start != bytes) return InvalidArgument(path + ": .npy data size does not match its shape");
  t.bytes.assign(data.begin() + static_cast<std::ptrdiff_t>(start), data.end());
  return t;
}

Status write_npy(const std::string& path, const TensorData& t) {
  const char* descr = nullptr;
  for (const auto& nt : kNpyTypes) {
    if (nt.dtype == t.dtype) descr = nt.descr;
  }
  if (!descr) return Unsupported(std::string("cannot write ") + dtype_name(t.dtype) + " as .npy");
  std::string shape;
  for (int64_t d : t.shape) shape += std::to_string(d) + ",";
  if (t.shape.size() > 1) shape.pop_back();
  std::string header = std::string("{'descr': '") + descr + "', 'fortran_order': False, 'shape': (" + shape + "), }";
  while ((10 + header.size() + 1) % 64 != 0) header += ' ';
  header += '\n';
  std::ofstream f(path, std::ios::binary);
  if (!f) return IoError("cannot create " + path);
  const uint16_t len = static_cast<uint16_t>(header.size());
  f.write("\x93NUMPY\x01\x00", 8);
  f.put(static_cast<char>(len & 0xff));
  f.put(static_cast<char>(len >> 8));
  f << header;
  f.write(reinterpret_cast<const char*>(t.bytes.data()), static_cast<std::streamsize>(t.bytes.size()));
  return f ? Status::Ok() : IoError("cannot write " + path);
}

}  // namespace

Result<TensorData> read_tensor_file(const std::string& path) {
  if (ends_with(path, ".npy")) return read_npy(path);
  return conv::read_tensor_pb_file(path);
}

Status write_tensor_file(const std::string& path, const TensorData& t, const std::string& name) {
  if (ends_with(path, ".npy")) return write_npy(path, t);
  onnx::TensorProto proto;
  conv::tensor_to_proto(t, name, &proto);
  std::ofstream f(path, std::ios::binary);
  if (!f || !proto.SerializeToOstream(&f)) return IoError("cannot write " + path);
  return Status::Ok();
}

Result<Dims> parse_dims(const std::string& text) {
  Dims dims;
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, 'x')) {
    char* end = nullptr;
    const long long v = std::strtoll(item.c_str(), &end, 10);
    if (item.empty() || *end != '\0' || v < 0) return InvalidArgument("invalid shape '" + text + "' (expected e.g. 1x3x224x224)");
    dims.push_back(v);
  }
  if (text.empty()) return Dims{};
  return dims;
}

double element_as_double(const TensorData& t, int64_t i) {
  const uint8_t* p = t.bytes.data();
  switch (t.dtype) {
    case DType::kFloat32: { float v; std::memcpy(&v, p + 4 * i, 4); return v; }
    case DType::kFloat64: { double v; std::memcpy(&v, p + 8 * i, 8); return v; }
    case DType::kFloat16: { uint16_t v; std::memcpy(&v, p + 2 * i, 2); return half_to_float(v); }
    case DType::kBFloat16: { uint16_t v; std::memcpy(&v, p + 2 * i, 2); return bfloat16_to_float(v); }
    case DType::kInt8: return static_cast<int8_t>(p[i]);
    case DType::kUint8: return p[i];
    case DType::kBool: return p[i] != 0;
    case DType::kInt16: { int16_t v; std::memcpy(&v, p + 2 * i, 2); return v; }
    case DType::kUint16: { uint16_t v; std::memcpy(&v, p + 2 * i, 2); return v; }
    case DType::kInt32: { int32_t v; std::memcpy(&v, p + 4 * i, 4); return v; }
    case DType::kUint32: { uint32_t v; std::memcpy(&v, p + 4 * i, 4); return v; }
    case DType::kInt64: { int64_t v; std::memcpy(&v, p + 8 * i, 8); return static_cast<double>(v); }
    case DType::kUint64: { uint64_t v; std::memcpy(&v, p + 8 * i, 8); return static_cast<double>(v); }
    case DType::kInt4: {
      const int nib = (p[i / 2] >> ((i % 2) * 4)) & 0xf;
      return nib >= 8 ? nib - 16 : nib;
    }
    case DType::kUint4: return (p[i / 2] >> ((i % 2) * 4)) & 0xf;
    default: return std::nan("");
  }
}

std::string preview(const TensorData& t, int max_values) {
  const int64_t n = num_elements(t.shape);
  std::string s = "[";
  char buf[64];
  for (int64_t i = 0; i < n && i < max_values; ++i) {
    std::snprintf(buf, sizeof buf, "%s%.6g", i ? ", " : "", element_as_double(t, i));
    s += buf;
  }
  if (n > max_values) s += ", ...";
  s += "]";
  if (n > 0) {
    double lo = element_as_double(t, 0), hi = lo;
    for (int64_t i = 1; i < n; ++i) {
      const double v = element_as_double(t, i);
      lo = std::fmin(lo, v);
      hi = std::fmax(hi, v);
    }
    std::snprintf(buf, sizeof buf, " (min %.6g, max %.6g)", lo, hi);
    s += buf;
  }
  return s;
}

}  // namespace qedge::cli
