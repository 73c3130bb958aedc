#include "onnx/tensor_proto.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "qedge/kernel_api/float16.h"

namespace qedge::conv {
namespace {

template <typename Src, typename Dst>
void copy_cast(const Src* src, int64_t n, uint8_t* dst) {
  for (int64_t i = 0; i < n; ++i) {
    Dst v = static_cast<Dst>(src[i]);
    std::memcpy(dst + i * sizeof(Dst), &v, sizeof(Dst));
  }
}

Status read_external(const onnx::TensorProto& proto, const std::string& base_dir, const std::string& what,
                     std::vector<uint8_t>* bytes) {
  std::string location;
  int64_t offset = 0;
  int64_t length = -1;
  for (const auto& kv : proto.external_data()) {
    if (kv.key() == "location") location = kv.value();
    if (kv.key() != "offset" && kv.key() != "length") continue;
    char* end = nullptr;
    errno = 0;
    const long long v = std::strtoll(kv.value().c_str(), &end, 10);
    if (kv.value().empty() || *end != '\0' || errno == ERANGE || v < 0) {
      return InvalidModel("tensor '" + what + "': external data " + kv.key() + " '" + kv.value() + "' is not a byte count");
    }
    (kv.key() == "offset" ? offset : length) = v;
  }
  if (location.empty() || location.find("..") != std::string::npos || location[0] == '/') {
    return InvalidModel("tensor '" + what + "': external data location '" + location + "' is missing or escapes the model folder");
  }
  const std::string path = base_dir.empty() ? location : base_dir + "/" + location;
  std::ifstream f(path, std::ios::binary);
  if (!f) return IoError("tensor '" + what + "': cannot open external data file " + path);
  f.seekg(0, std::ios::end);
  const int64_t file_size = f.tellg();
  if (offset > file_size) return InvalidModel("tensor '" + what + "': external data offset is beyond the end of " + path);
  if (length < 0) length = file_size - offset;
  if (length > file_size - offset) {
    return InvalidModel("tensor '" + what + "': external data range is outside " + path);
  }
  bytes->resize(static_cast<size_t>(length));
  f.seekg(offset);
  f.read(reinterpret_cast<char*>(bytes->data()), length);
  if (!f) return IoError("tensor '" + what + "': short read from " + path);
  return Status::Ok();
}

Status wrong_field(const std::string& what) {
  return InvalidModel("tensor '" + what + "' does not hold one value per element in the field its data type uses");
}

}  // namespace

Result<TensorData> tensor_from_proto(const onnx::TensorProto& proto, const std::string& base_dir,
                                     const std::string& what) {
  TensorData t;
  if (!dtype_is_valid(proto.data_type()) || proto.data_type() == 0) {
    return Unsupported("tensor '" + what + "' has unknown data type " + std::to_string(proto.data_type()));
  }
  t.dtype = static_cast<DType>(proto.data_type());
  if (t.dtype == DType::kString) return Unsupported("tensor '" + what + "': string tensors are not supported");
  for (int64_t d : proto.dims()) t.shape.push_back(d);
  QEDGE_ASSIGN_OR_RETURN(int64_t n, checked_num_elements(t.shape));
  const size_t want = dtype_storage_bytes(t.dtype, n);

  if (proto.data_location() == onnx::TensorProto::EXTERNAL) {
    QEDGE_RETURN_IF_ERROR(read_external(proto, base_dir, what, &t.bytes));
  } else if (proto.has_raw_data()) {
    t.bytes.assign(proto.raw_data().begin(), proto.raw_data().end());
  } else {
    const int64_t stored = proto.float_data_size() + proto.double_data_size() + proto.int32_data_size() +
                           proto.int64_data_size() + proto.uint64_data_size();
    if (n > 0 && stored == 0) return InvalidModel("tensor '" + what + "' has no data");
    // Typed fields hold at most two values per element (complex), so a count far beyond that is corrupt;
    // checking before allocating keeps a hostile shape from exhausting memory.
    const bool packed4 = t.dtype == DType::kInt4 || t.dtype == DType::kUint4;
    if (stored < (packed4 ? (n + 1) / 2 : n)) {
      return InvalidModel("tensor '" + what + "' has " + std::to_string(stored) + " values but shape " +
                          dims_to_string(t.shape) + " needs " + std::to_string(n));
    }
    t.bytes.assign(want, 0);
    uint8_t* dst = t.bytes.data();
    switch (t.dtype) {
      case DType::kFloat32:
        if (proto.float_data_size() != n) return wrong_field(what);
        copy_cast<float, float>(proto.float_data().data(), n, dst);
        break;
      case DType::kComplex64:
        if (proto.float_data_size() != 2 * n) return wrong_field(what);
        copy_cast<float, float>(proto.float_data().data(), 2 * n, dst);
        break;
      case DType::kFloat64:
        if (proto.double_data_size() != n) return wrong_field(what);
        copy_cast<double, double>(proto.double_data().data(), n, dst);
        break;
      case DType::kComplex128:
        if (proto.double_data_size() != 2 * n) return wrong_field(what);
        copy_cast<double, double>(proto.double_data().data(), 2 * n, dst);
        break;
      case DType::kInt64:
        if (proto.int64_data_size() != n) return wrong_field(what);
        copy_cast<int64_t, int64_t>(proto.int64_data().data(), n, dst);
        break;
      case DType::kUint32:
        if (proto.uint64_data_size() != n) return wrong_field(what);
        copy_cast<uint64_t, uint32_t>(proto.uint64_data().data(), n, dst);
        break;
      case DType::kUint64:
        if (proto.uint64_data_size() != n) return wrong_field(what);
        copy_cast<uint64_t, uint64_t>(proto.uint64_data().data(), n, dst);
        break;
      case DType::kInt32:
        if (proto.int32_data_size() != n) return wrong_field(what);
        copy_cast<int32_t, int32_t>(proto.int32_data().data(), n, dst);
        break;
      case DType::kInt16:
        if (proto.int32_data_size() != n) return wrong_field(what);
        copy_cast<int32_t, int16_t>(proto.int32_data().data(), n, dst);
        break;
      case DType::kUint16:
      case DType::kFloat16:
      case DType::kBFloat16:
        if (proto.int32_data_size() != n) return wrong_field(what);
        copy_cast<int32_t, uint16_t>(proto.int32_data().data(), n, dst);
        break;
      case DType::kInt8:
        if (proto.int32_data_size() != n) return wrong_field(what);
        copy_cast<int32_t, int8_t>(proto.int32_data().data(), n, dst);
        break;
      case DType::kUint8:
      case DType::kBool:
      case DType::kFloat8E4M3FN:
      case DType::kFloat8E4M3FNUZ:
      case DType::kFloat8E5M2:
      case DType::kFloat8E5M2FNUZ:
        if (proto.int32_data_size() != n) return wrong_field(what);
        copy_cast<int32_t, uint8_t>(proto.int32_data().data(), n, dst);
        break;
      case DType::kInt4:
      case DType::kUint4:
        // int32_data holds one packed byte (two elements) per entry.
        if (proto.int32_data_size() != static_cast<int64_t>(want)) return wrong_field(what);
        copy_cast<int32_t, uint8_t>(proto.int32_data().data(), static_cast<int64_t>(want), dst);
        break;
      default:
        return Unsupported("tensor '" + what + "': data type " + dtype_name(t.dtype) + " is not supported");
    }
  }
  if (t.bytes.size() != want) {
    return InvalidModel("tensor '" + what + "' has " + std::to_string(t.bytes.size()) + " bytes of data, but shape " +
                        dims_to_string(t.shape) + " of " + dtype_name(t.dtype) + " needs " + std::to_string(want));
  }
  return t;
}

void tensor_to_proto(const TensorData& t, const std::string& name, onnx::TensorProto* proto) {
  proto->set_name(name);
  proto->set_data_type(static_cast<int>(t.dtype));
  for (int64_t d : t.shape) proto->add_dims(d);
  proto->set_raw_data(t.bytes.data(), t.bytes.size());
}

Result<TensorData> read_tensor_pb_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return IoError("cannot open " + path);
  std::stringstream ss;
  ss << f.rdbuf();
  onnx::TensorProto proto;
  if (!proto.ParseFromString(ss.str())) return InvalidArgument(path + " is not a serialized onnx.TensorProto");
  const auto slash = path.find_last_of('/');
  return tensor_from_proto(proto, slash == std::string::npos ? "" : path.substr(0, slash), path);
}

}  // namespace qedge::conv
