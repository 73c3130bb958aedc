#include <algorithm>
#include <array>
#include <string>
#include <vector>

#include "common/int_math.h"
#include "common/dispatch.h"
#include "common/kernel_util.h"

namespace qedge::ref {
namespace {

// Label ids: 0-25 'a'-'z', 26-51 'A'-'Z', 52 + i for the i-th ellipsis dim (right-aligned across operands).
constexpr int kEllipsisBase = 52;

int letter_id(char ch) {
  if (ch >= 'a' && ch <= 'z') return ch - 'a';
  if (ch >= 'A' && ch <= 'Z') return 26 + (ch - 'A');
  return -1;
}

// One term of the equation: letter ids in order, with -2 standing for the ellipsis.
Status parse_term(const std::string& term, std::vector<int>* labels) {
  labels->clear();
  bool ellipsis = false;
  for (size_t i = 0; i < term.size(); ++i) {
    if (term.compare(i, 3, "...") == 0) {
      if (ellipsis) return InvalidModel("Einsum term '" + term + "' has more than one ellipsis");
      ellipsis = true;
      labels->push_back(-2);
      i += 2;
      continue;
    }
    const int id = letter_id(term[i]);
    if (id < 0) return InvalidModel("Einsum term '" + term + "' has invalid character '" + term[i] + "'");
    labels->push_back(id);
  }
  return Status::Ok();
}

// General Einsum: every label of the output is iterated, every other label is summed. Repeated
// labels in an operand take its diagonal (their strides add up); size-1 dims broadcast.
class EinsumKernel : public OpKernel {
 public:
  Status prepare(KernelContext& ctx) override {
    if (ctx.num_inputs() < 1) return InvalidModel("Einsum requires at least one input");
    QEDGE_RETURN_IF_ERROR(require_inputs(ctx, ctx.num_inputs()));
    const DType type = ctx.input(0)->dtype;
    QEDGE_RETURN_IF_ERROR(visit_dtype<kNumericTypes>(type, "Einsum", [](auto) { return Status::Ok(); }));
    std::string eq = ctx.attr().get_string("equation");
    eq.erase(std::remove(eq.begin(), eq.end(), ' '), eq.end());
    const size_t arrow = eq.find("->");
    const std::string lhs = eq.substr(0, arrow);
    std::vector<std::vector<int>> terms;
    for (size_t start = 0;;) {
      const size_t comma = lhs.find(',', start);
      terms.emplace_back();
      QEDGE_RETURN_IF_ERROR(parse_term(lhs.substr(start, comma - start), &terms.back()));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    if (static_cast<int>(terms.size()) != ctx.num_inputs()) {
      return InvalidModel("Einsum equation '" + eq + "' has " + std::to_string(terms.size()) +
                          " operands but the node has " + std::to_string(ctx.num_inputs()) + " inputs");
    }
    // Sizes per label; an operand's ellipsis covers the dims its letters leave over.
    std::vector<int64_t> size(kEllipsisBase, -1);
    int ellipsis_rank = 0;
    std::vector<std::vector<int>> dim_labels(terms.size());
    for (size_t o = 0; o < terms.size(); ++o) {
      const Tensor& t = *ctx.input(static_cast<int>(o));
      if (t.dtype != type) return InvalidModel("Einsum inputs must share one type");
      const bool has_ellipsis = std::count(terms[o].begin(), terms[o].end(), -2) > 0;
      const int letters = static_cast<int>(terms[o].size()) - (has_ellipsis ? 1 : 0);
      if (t.rank() < letters || (!has_ellipsis && t.rank() != letters)) {
        return ShapeMismatch("Einsum operand " + std::to_string(o) + " of shape " + dims_to_string(t.shape) +
                             " does not match its term in '" + eq + "'");
      }
      ellipsis_rank = std::max(ellipsis_rank, t.rank() - letters);
    }
    size.resize(kEllipsisBase + ellipsis_rank, -1);
    for (size_t o = 0; o < terms.size(); ++o) {
      const Tensor& t = *ctx.input(static_cast<int>(o));
      const int e = t.rank() - (static_cast<int>(terms[o].size()) - 1);
      for (int l : terms[o]) {
        if (l == -2) {
          for (int j = 0; j < e; ++j) dim_labels[o].push_back(kEllipsisBase + ellipsis_rank - e + j);
        } else {
          dim_labels[o].push_back(l);
        }
      }
      for (int d = 0; d < t.rank(); ++d) {
        int64_t& s = size[dim_labels[o][d]];
        if (s == -1 || s == 1) {
          s = t.shape[d];
        } else if (t.shape[d] != s && t.shape[d] != 1) {
          return ShapeMismatch("Einsum dims for one label differ (" + std::to_string(s) + " vs " +
                               std::to_string(t.shape[d]) + ") in '" + eq + "'");
        }
      }
    }
    // Output labels: explicit, or (implicit) the ellipsis dims then the letters used once, sorted.
    std::vector<int> out;
    if (arrow != std::string::npos) {
      std::vector<int> term;
      QEDGE_RETURN_IF_ERROR(parse_term(eq.substr(arrow + 2), &term));
      for (int l : term) {
        if (l == -2) {
          for (int j = 0; j < ellipsis_rank; ++j) out.push_back(kEllipsisBase + j);
        } else if (size[l] == -1 || std::count(out.begin(), out.end(), l) > 0) {
          return InvalidModel("Einsum output label '" + std::string(1, eq[arrow + 2]) +
                              "...' is repeated or missing from the inputs in '" + eq + "'");
        } else {
          out.push_back(l);
        }
      }
    } else {
      for (int j = 0; j < ellipsis_rank; ++j) out.push_back(kEllipsisBase + j);
      std::vector<int> count(kEllipsisBase, 0);
      for (const auto& t : terms) {
        for (int l : t) count[l] += l >= 0 ? 1 : 0;
      }
      // ASCII order: upper-case letters (ids 26-51) before lower-case ones.
      for (int l = 26; l < kEllipsisBase; ++l) {
        if (count[l] == 1) out.push_back(l);
      }
      for (int l = 0; l < 26; ++l) {
        if (count[l] == 1) out.push_back(l);
      }
    }
    // Iteration order: output labels, then the summed ones.
    labels_ = out;
    for (int l = 0; l < static_cast<int>(size.size()); ++l) {
      if (size[l] >= 0 && std::count(out.begin(), out.end(), l) == 0) labels_.push_back(l);
    }
    num_out_ = out.size();
    extent_.clear();
    for (int l : labels_) extent_.push_back(size[l]);
    strides_.assign(terms.size(), std::vector<int64_t>(labels_.size(), 0));
    for (size_t o = 0; o < terms.size(); ++o) {
      const Tensor& t = *ctx.input(static_cast<int>(o));
      const std::vector<int64_t> rs = row_major_strides(t.shape);
      for (int d = 0; d < t.rank(); ++d) {
        if (t.shape[d] == 1) continue;  // broadcast
        const size_t pos = std::find(labels_.begin(), labels_.end(), dim_labels[o][d]) - labels_.begin();
        strides_[o][pos] += rs[d];
      }
    }
    set_output(ctx, 0, type, Dims(extent_.begin(), extent_.begin() + num_out_));
    return Status::Ok();
  }

  Status run(KernelContext& ctx) override {
    return visit_dtype<kNumericTypes>(ctx.input(0)->dtype, "Einsum", [&](auto tag) {
      using T = typename decltype(tag)::type;
      using A = compute_t<T>;
      const size_t nops = strides_.size(), nl = labels_.size();
      std::vector<const T*> in(nops);
      for (size_t o = 0; o < nops; ++o) in[o] = ctx.input(static_cast<int>(o))->template data_as<T>();
      T* out = ctx.output(0)->template data_as<T>();
      const int64_t out_n = num_elements(Dims(extent_.begin(), extent_.begin() + num_out_));
      const int64_t sum_n = num_elements(Dims(extent_.begin() + num_out_, extent_.end()));
      std::vector<int64_t> idx(nl, 0), off(nops, 0);
      // Odometer over all labels, output labels outermost, so each output element's terms are consecutive.
      for (int64_t oi = 0; oi < out_n; ++oi) {
        A acc = A(0);
        for (int64_t si = 0; si < sum_n; ++si) {
          A prod = A(1);
          for (size_t o = 0; o < nops; ++o) prod = wrap_mul(prod, static_cast<A>(in[o][off[o]]));
          acc = wrap_add(acc, prod);
          for (size_t d = nl; d-- > 0;) {
            for (size_t o = 0; o < nops; ++o) off[o] += strides_[o][d];
            if (++idx[d] < extent_[d]) break;
            for (size_t o = 0; o < nops; ++o) off[o] -= strides_[o][d] * extent_[d];
            idx[d] = 0;
          }
        }
        out[oi] = to_storage<T>(acc);
      }
      return Status::Ok();
    });
  }

 private:
  std::vector<int> labels_;
  std::vector<int64_t> extent_;
  size_t num_out_ = 0;
  std::vector<std::vector<int64_t>> strides_;  // per operand, per label
};

}  // namespace

void register_einsum(KernelRegistry& r) {
  r.add("", "Einsum", [] { return std::make_unique<EinsumKernel>(); });
}

}  // namespace qedge::ref
