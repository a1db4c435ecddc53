#include "framework/ensemble/member_lanes.hpp"

#include <algorithm>
#include <cstring>
#include <utility>

#include "framework/ensemble/penalties.hpp"
#include "framework/math/exp.hpp"
#include "framework/math/simd_clones.hpp"
#include "framework/model/dense_network.hpp"

namespace nclab {
namespace {

constexpr std::size_t kW = MemberLanes::kWidth;
static_assert(kW == 4, "the kernels hold one value of each of the kW lanes in one Double4");

struct LayerShape {
  std::size_t rows, cols;
  Activation activation;
};

// Loads and stores of the kW lanes of one value. The kernels below are always_inline into the
// functions that NCLAB_SIMD_CLONES builds twice, so no Double4 crosses a call (see -Wpsabi in
// CMakeLists.txt).
[[gnu::always_inline]] inline Double4 load4(const double* p) {
  Double4 v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

[[gnu::always_inline]] inline void store4(double* p, const Double4& v) { std::memcpy(p, &v, sizeof v); }

// Input value i of every lane: the pattern itself (Stride 1) is the same for all lanes, a layer's
// activations (Stride kW) hold one value per lane.
template <std::size_t Stride>
[[gnu::always_inline]] inline Double4 input4(const double* in, std::size_t i) {
  if constexpr (Stride == 1) {
    return detail::splat<Double4>(in[i]);
  } else {
    return load4(in + i * kW);
  }
}

// Z = A W^T + b for `Rows` consecutive output units of one group, from unit j on. The units' sums
// are independent chains of fused multiply-adds, which the CPU overlaps.
template <std::size_t Rows, std::size_t Stride>
[[gnu::always_inline]] inline void dense_lanes_block(const double* __restrict in, const double* __restrict weights,
                                                     const double* __restrict biases, std::size_t j, std::size_t cols,
                                                     double* __restrict out) {
  Double4 sums[Rows] = {};
  const double* w = weights + j * cols * kW;
  for (std::size_t i = 0; i < cols; ++i) {
    const Double4 a = input4<Stride>(in, i);
    for (std::size_t r = 0; r < Rows; ++r) sums[r] = fused_multiply_add(a, load4(w + (r * cols + i) * kW), sums[r]);
  }
  for (std::size_t r = 0; r < Rows; ++r) store4(out + (j + r) * kW, sums[r] + load4(biases + (j + r) * kW));
}

// Z = A W^T + b for one group: `in` is cols values (Stride 1) or cols x kW lanes (Stride kW),
// `weights` rows x cols x kW, `out` rows x kW. Four output units at a time keep four independent sums
// in flight.
template <std::size_t Stride>
[[gnu::always_inline]] inline void dense_lanes(const double* __restrict in, const double* __restrict weights,
                                               const double* __restrict biases, std::size_t rows, std::size_t cols,
                                               double* __restrict out) {
  std::size_t j = 0;
  for (; j + 4 <= rows; j += 4) dense_lanes_block<4, Stride>(in, weights, biases, j, cols, out);
  if (j + 2 <= rows) {
    dense_lanes_block<2, Stride>(in, weights, biases, j, cols, out);
    j += 2;
  }
  if (j < rows) dense_lanes_block<1, Stride>(in, weights, biases, j, cols, out);
}

// sigmoid(z) = 1 / (1 + e^-z). For z < -709.78 e^-z overflows to +inf and the quotient is +0, the
// correctly rounded value for z below -745; in between, the exact value is subnormal and under 2^-1022,
// an absolute error no layer can notice.
[[gnu::always_inline]] inline void sigmoid_lanes(double* values, std::size_t rows) {
  for (std::size_t c = 0; c < rows * kW; c += kW) {
    Double4 e = -load4(values + c);
    detail::exp_of(e);
    store4(values + c, 1.0 / (1.0 + e));
  }
}

// Softmax over the `rows` units of each lane: y_k = e^(z_k - max) / sum_t e^(z_t - max).
[[gnu::always_inline]] inline void softmax_lanes(double* values, std::size_t rows) {
  Double4 max = load4(values);
  for (std::size_t k = 1; k < rows; ++k) {
    const Double4 z = load4(values + k * kW);
    max = detail::select<Double4>(detail::mask_of(z > max), z, max);
  }
  Double4 sum = {};
  for (std::size_t k = 0; k < rows; ++k) {
    Double4 e = load4(values + k * kW) - max;
    detail::exp_of(e);
    sum += e;
    store4(values + k * kW, e);
  }
  const Double4 inverse = 1.0 / sum;
  for (std::size_t k = 0; k < rows; ++k) store4(values + k * kW, load4(values + k * kW) * inverse);
}

[[gnu::always_inline]] inline void activate_lanes(Activation activation, double* values, std::size_t rows) {
  switch (activation) {
    case Activation::identity:
      return;
    case Activation::sigmoid:
      sigmoid_lanes(values, rows);
      return;
    case Activation::softmax:
      softmax_lanes(values, rows);
      return;
  }
}

// Turns dL/dA of the output layer into dL/dZ in place, through the activation's Jacobian.
[[gnu::always_inline]] inline void chain_output(Activation activation, const double* y, double* delta,
                                                std::size_t rows) {
  switch (activation) {
    case Activation::identity:
      return;
    case Activation::sigmoid:
      for (std::size_t k = 0; k < rows; ++k) {
        const Double4 a = load4(y + k * kW);
        store4(delta + k * kW, load4(delta + k * kW) * (a * (1.0 - a)));
      }
      return;
    case Activation::softmax: {
      // delta_k = y_k (g_k - sum_t g_t y_t)
      Double4 weighted = {};
      for (std::size_t k = 0; k < rows; ++k) weighted += load4(delta + k * kW) * load4(y + k * kW);
      for (std::size_t k = 0; k < rows; ++k) {
        store4(delta + k * kW, load4(y + k * kW) * (load4(delta + k * kW) - weighted));
      }
      return;
    }
  }
}

// One layer's backward pass and SGD step: dW = delta^T A_in, db = delta, and, when `below` is not
// null, dL/dA_in = delta W with W read before its update. w += (-rate delta_j) a_i for every weight,
// b += -rate delta for every bias. `in` is laid out as dense_lanes reads it for the same Stride.
template <std::size_t Stride>
[[gnu::always_inline]] inline void step_layer(const double* __restrict in, const double* __restrict delta,
                                              double* __restrict weights, double* __restrict biases,
                                              std::size_t rows, std::size_t cols, double rate,
                                              double* __restrict below) {
  if (below != nullptr) std::fill(below, below + cols * kW, 0.0);
  for (std::size_t j = 0; j < rows; ++j) {
    double* w = weights + j * cols * kW;
    const Double4 d = load4(delta + j * kW);
    const Double4 step = -rate * d;
    if (below != nullptr) {
      for (std::size_t i = 0; i < cols; ++i) {
        const Double4 old = load4(w + i * kW);
        store4(below + i * kW, fused_multiply_add(d, old, load4(below + i * kW)));
        store4(w + i * kW, fused_multiply_add(step, input4<Stride>(in, i), old));
      }
    } else {
      for (std::size_t i = 0; i < cols; ++i) {
        store4(w + i * kW, fused_multiply_add(step, input4<Stride>(in, i), load4(w + i * kW)));
      }
    }
    store4(biases + j * kW, load4(biases + j * kW) + step);
  }
}

// Runs the forward pass of one group through every layer and writes A_l into activations[l]. `input`
// is the pattern, shared by all lanes.
NCLAB_SIMD_CLONES
void forward_group(const double* input, std::span<const LayerShape> layers, const double* const* weights,
                   const double* const* biases, double* const* activations) {
  const double* in = input;
  for (std::size_t l = 0; l < layers.size(); ++l) {
    if (l == 0) {
      dense_lanes<1>(in, weights[l], biases[l], layers[l].rows, layers[l].cols, activations[l]);
    } else {
      dense_lanes<kW>(in, weights[l], biases[l], layers[l].rows, layers[l].cols, activations[l]);
    }
    activate_lanes(layers[l].activation, activations[l], layers[l].rows);
    in = activations[l];
  }
}

// Output gradients of one group in the form penalties.cpp writes for independent, ncl and ncl-exact
// training: delta_k = (y_k - t_k) + q_k with q_k = -c (y_k - F_k) for squared error, and
// delta_k = (y_k - t_k) + y_k (q_k - sum_l q_l y_l) for cross-entropy (taken at the logits), with the
// same operations in the same order. Lanes from `live` on hold no member and get 0.
[[gnu::always_inline]] inline void ncl_output_gradient(const double* y, const double* t, const double* f,
                                                       std::size_t outputs, const NclForm& form, bool cross_entropy,
                                                       std::size_t live, double* delta) {
  const Double4 c = detail::splat<Double4>(-form.coefficient);
  Double4 weighted = {};  // sum_l q_l y_l
  if (form.penalised && cross_entropy) {
    for (std::size_t l = 0; l < outputs; ++l) {
      const Double4 y_l = load4(y + l * kW);
      weighted += (c * (y_l - detail::splat<Double4>(f[l]))) * y_l;
    }
  }
  for (std::size_t k = 0; k < outputs; ++k) {
    const Double4 y_k = load4(y + k * kW);
    Double4 g = y_k - detail::splat<Double4>(t[k]);
    if (form.penalised) {
      const Double4 q = c * (y_k - detail::splat<Double4>(f[k]));
      g = cross_entropy ? g + y_k * (q - weighted) : g + q;
    }
    for (std::size_t m = live; m < kW; ++m) g[m] = 0.0;
    store4(delta + k * kW, g);
  }
}

// Runs the backward pass and SGD step of one group. On entry deltas[L-1] contains dL/dZ of the output
// layer (already chained), and the pass writes dL/dZ_l of the layers below into deltas[l].
NCLAB_SIMD_CLONES
void backward_group(const double* input, std::span<const LayerShape> layers, double* const* weights,
                    double* const* biases, const double* const* activations, double* const* deltas, double rate) {
  for (std::size_t l = layers.size(); l-- > 0;) {
    const double* in = l == 0 ? input : activations[l - 1];
    double* below = l == 0 ? nullptr : deltas[l - 1];
    if (l == 0) {
      step_layer<1>(in, deltas[l], weights[l], biases[l], layers[l].rows, layers[l].cols, rate, below);
    } else {
      step_layer<kW>(in, deltas[l], weights[l], biases[l], layers[l].rows, layers[l].cols, rate, below);
    }
    if (below == nullptr) continue;
    // Hidden layers are sigmoid or identity: DenseNetwork allows softmax on the last layer only.
    if (layers[l - 1].activation == Activation::sigmoid) {
      const double* a = activations[l - 1];
      for (std::size_t c = 0; c < layers[l - 1].rows * kW; ++c) below[c] *= a[c] * (1.0 - a[c]);
    }
  }
}

}  // namespace

namespace {
constexpr std::size_t kMaxLayers = 8;  // the kernels' per-layer pointer arrays live on the stack
}  // namespace

std::unique_ptr<MemberLanes> MemberLanes::create(std::span<const std::unique_ptr<Model>> models) {
  if (models.empty()) return nullptr;
  std::vector<LayerLayout> layout;
  for (const std::unique_ptr<Model>& model : models) {
    // DenseNetwork is final, so this matches exactly the registry's dense models and nothing that
    // derives from them with other arithmetic.
    if (dynamic_cast<const DenseNetwork*>(model.get()) == nullptr) return nullptr;
    std::vector<LayerLayout> own = model->layout();
    if (layout.empty()) {
      if (own.empty() || own.size() > kMaxLayers) return nullptr;
      layout = std::move(own);
      continue;
    }
    if (own.size() != layout.size()) return nullptr;
    for (std::size_t l = 0; l < own.size(); ++l) {
      if (own[l].rows != layout[l].rows || own[l].cols != layout[l].cols ||
          own[l].activation != layout[l].activation || own[l].weight_offset != layout[l].weight_offset ||
          own[l].bias_offset != layout[l].bias_offset) {
        return nullptr;
      }
    }
  }
  std::vector<Layer> layers;
  for (const LayerLayout& l : layout) layers.push_back({l.rows, l.cols, l.activation, l.weight_offset, l.bias_offset});
  return std::unique_ptr<MemberLanes>(new MemberLanes(models.size(), layout.front().cols, std::move(layers)));
}

MemberLanes::MemberLanes(std::size_t members, std::size_t inputs, std::vector<Layer> layers)
    : members_(members), groups_((members + kWidth - 1) / kWidth), inputs_(inputs), layers_(std::move(layers)) {
  for (const Layer& layer : layers_) {
    weight_at_.push_back(group_parameters_);
    group_parameters_ += layer.rows * layer.cols * kWidth;
    bias_at_.push_back(group_parameters_);
    group_parameters_ += layer.rows * kWidth;
    unit_at_.push_back(group_units_);
    group_units_ += layer.rows * kWidth;
  }
  parameters_.assign(groups_ * group_parameters_, 0.0);
  input_.assign(inputs_, 0.0);
  activations_.assign(groups_ * group_units_, 0.0);
  deltas_.assign(group_units_, 0.0);
}

void MemberLanes::load(std::span<const std::unique_ptr<Model>> models) {
  for (std::size_t member = 0; member < members_; ++member) {
    const std::span<const double> source = std::as_const(*models[member]).parameters();
    const std::size_t g = member / kWidth;
    const std::size_t m = member % kWidth;
    for (std::size_t l = 0; l < layers_.size(); ++l) {
      const Layer& layer = layers_[l];
      double* w = weights(g, l);
      for (std::size_t p = 0; p < layer.rows * layer.cols; ++p) w[p * kWidth + m] = source[layer.weight_offset + p];
      double* b = biases(g, l);
      for (std::size_t j = 0; j < layer.rows; ++j) b[j * kWidth + m] = source[layer.bias_offset + j];
    }
  }
}

void MemberLanes::store(std::span<const std::unique_ptr<Model>> models) const {
  for (std::size_t member = 0; member < members_; ++member) {
    const std::span<double> target = models[member]->parameters();
    const std::size_t g = member / kWidth;
    const std::size_t m = member % kWidth;
    const double* group = parameters_.data() + g * group_parameters_;
    for (std::size_t l = 0; l < layers_.size(); ++l) {
      const Layer& layer = layers_[l];
      const double* w = group + weight_at_[l];
      for (std::size_t p = 0; p < layer.rows * layer.cols; ++p) target[layer.weight_offset + p] = w[p * kWidth + m];
      const double* b = group + bias_at_[l];
      for (std::size_t j = 0; j < layer.rows; ++j) target[layer.bias_offset + j] = b[j * kWidth + m];
    }
  }
}

template <typename Done>
void MemberLanes::forward_rows(const double* x, std::size_t rows, std::size_t stride, Done done) {
  LayerShape shapes[kMaxLayers];
  const double* w[kMaxLayers];
  const double* b[kMaxLayers];
  double* a[kMaxLayers];
  const std::size_t count = layers_.size();
  for (std::size_t l = 0; l < count; ++l) shapes[l] = {layers_[l].rows, layers_[l].cols, layers_[l].activation};
  for (std::size_t g = 0; g < groups_; ++g) {
    for (std::size_t l = 0; l < count; ++l) {
      w[l] = weights(g, l);
      b[l] = biases(g, l);
      a[l] = activations(g, l);
    }
    for (std::size_t n = 0; n < rows; ++n) {
      forward_group(x + n * stride, {shapes, count}, w, b, a);
      done(g, n, static_cast<const double*>(a[count - 1]));
    }
  }
}

void MemberLanes::forward(const double* x) {
  std::copy_n(x, inputs_, input_.data());
  forward_rows(input_.data(), 1, inputs_, [](std::size_t, std::size_t, const double*) {});
}

void MemberLanes::copy_output(std::size_t member, double* row) const {
  const std::size_t last = layers_.size() - 1;
  const double* y = activations_.data() + (member / kWidth) * group_units_ + unit_at_[last];
  const std::size_t m = member % kWidth;
  for (std::size_t k = 0; k < layers_[last].rows; ++k) row[k] = y[k * kWidth + m];
}

template <typename FillDelta>
void MemberLanes::step_groups(GradientAt at, double rate, FillDelta fill_delta) {
  LayerShape shapes[kMaxLayers];
  double* w[kMaxLayers];
  double* b[kMaxLayers];
  const double* a[kMaxLayers];
  double* d[kMaxLayers];
  const std::size_t count = layers_.size();
  const std::size_t last = count - 1;
  const std::size_t outputs = layers_[last].rows;
  for (std::size_t l = 0; l < count; ++l) {
    shapes[l] = {layers_[l].rows, layers_[l].cols, layers_[l].activation};
    d[l] = deltas(l);
  }
  for (std::size_t g = 0; g < groups_; ++g) {
    for (std::size_t l = 0; l < count; ++l) {
      w[l] = weights(g, l);
      b[l] = biases(g, l);
      a[l] = activations(g, l);
    }
    fill_delta(g, a[last], d[last]);
    if (at == GradientAt::output) chain_output(layers_[last].activation, a[last], d[last], outputs);
    backward_group(input_.data(), {shapes, count}, w, b, a, d, rate);
  }
}

void MemberLanes::backward_and_step(std::span<const MatrixView> gradients, GradientAt at, double rate) {
  const std::size_t outputs = layers_.back().rows;
  step_groups(at, rate, [&](std::size_t g, const double*, double* delta) {
    for (std::size_t m = 0; m < kWidth; ++m) {
      const std::size_t member = g * kWidth + m;
      for (std::size_t k = 0; k < outputs; ++k) delta[k * kWidth + m] = member < members_ ? gradients[member](0, k) : 0.0;
    }
  });
}

void MemberLanes::ncl_backward_and_step(const double* target, const NclForm& form, LossKind loss, double rate,
                                        double* ensemble) {
  const std::size_t last = layers_.size() - 1;
  const std::size_t outputs = layers_[last].rows;
  // F = (1/M) sum_i y_i with the members summed in index order, as ensemble_mean sums them.
  const double scale = 1.0 / static_cast<double>(members_);
  for (std::size_t k = 0; k < outputs; ++k) {
    double sum = 0.0;
    for (std::size_t member = 0; member < members_; ++member) {
      const double y = activations_[(member / kWidth) * group_units_ + unit_at_[last] + k * kWidth + member % kWidth];
      sum = member == 0 ? y : sum + y;
    }
    ensemble[k] = sum * scale;
  }
  const bool cross_entropy = loss == LossKind::cross_entropy;
  step_groups(gradient_point(loss), rate, [&](std::size_t g, const double* y, double* delta) {
    const std::size_t live = std::min(kWidth, members_ - g * kWidth);  // lanes that hold a member
    ncl_output_gradient(y, target, ensemble, outputs, form, cross_entropy, live, delta);
  });
}

void MemberLanes::predict(ConstMatrixView x, std::span<Matrix> outputs) {
  const std::size_t classes = layers_.back().rows;
  forward_rows(x.data, x.rows, x.stride, [&](std::size_t g, std::size_t n, const double* y) {
    const std::size_t live = std::min(kWidth, members_ - g * kWidth);  // lanes that hold a member
    for (std::size_t m = 0; m < live; ++m) {
      double* row = outputs[g * kWidth + m].row(n).data();
      for (std::size_t k = 0; k < classes; ++k) row[k] = y[k * kWidth + m];
    }
  });
}

}  // namespace nclab
