#pragma once
// Gradients of the penalised member losses with respect to the member outputs.
//
// Notation: M members, F_i = member i's output vector on a pattern, F = (1/M) sum_i F_i the ensemble
// output computed from all members' current outputs before any member updates, d the target. Per
// pattern, the member gradient g_i = dE_i/dF_i is
//   independent   E_i = 1/2 |F_i - d|^2                                  g_i = F_i - d
//   ncl           E_i = 1/2 |F_i - d|^2 + lambda p_i,
//                 p_i = (F_i - F) . sum_{j != i} (F_j - F), F held constant
//                                                                        g_i = (F_i - d) - lambda (F_i - F)
//   ncl-exact     e_i = 1/2 |F_i - d|^2 - gamma |F_i - F|^2, differentiated through F
//                                                                        g_i = (F_i - d) - 2 gamma (1 - 1/M)(F_i - F)
//   decorrelated  E_j / 2 with E_j = |d - F_j|^2 + sum_{i<j} lambda d(i,j) (d - F_i) . (d - F_j)
//                                                                        g_j = (F_j - d) + (lambda/2) sum_{i<j} d(i,j)(F_i - d)
// Sources: Liu & Yao (1999) for ncl, Brown, Wyatt & Tino (2005) for the exact gradient, Rosen (1996)
// for the decorrelated networks, whose members are numbered 1..M. nclab minimises Rosen's E_j / 2, so
// that every method shares the learning-rate scale of 1/2 |F_i - d|^2. Then the indicator none gives
// g_j = F_j - d, the independent gradient bit for bit. Each output unit is penalised separately.
//
// With cross-entropy (softmax outputs) the data term 1/2 |F_i - d|^2 becomes -sum_k d_k log F_ik. Its
// gradient is taken at the logits, where it is the fused F_i - d, and the penalty part of g_i is chained
// through the full softmax Jacobian: dE/du_k = (F_ik - d_k) + F_ik (q_k - sum_l q_l F_il), where q is
// the penalty part of g_i.

#include <cstddef>
#include <optional>
#include <span>

#include "framework/core/matrix.hpp"
#include "framework/ensemble/settings.hpp"
#include "framework/model/model.hpp"

namespace nclab {

// The penalty of one step.
struct PenaltySettings {
  Method method = Method::independent;
  // lambda for ncl and decorrelated, gamma for ncl-exact: the value of the current epoch.
  double coefficient = 0.0;
  Indicator indicator = Indicator::previous;
  LossKind loss = LossKind::squared_error;
};

// Returns Rosen's indicator d(i, j) for members numbered 1..M, which is false unless 1 <= i < j.
bool rosen_indicator(Indicator indicator, std::size_t i, std::size_t j);

// True when member `member` (0-based) has an earlier member i with d(i, member) = 1.
bool has_decorrelation_partner(Indicator indicator, std::size_t member);

// Where the gradients written by penalty_output_gradients are taken: at the outputs for squared error,
// at the logits for cross-entropy.
GradientAt gradient_point(LossKind loss);

// Independent, ncl and ncl-exact training share one output gradient, g_i = (F_i - d) - c (F_i - F) for
// squared error (chained through the softmax for cross-entropy). NclForm gives c for `members`
// members, with penalised false where the independent gradient applies (independent training or a
// zero coefficient). ncl_form returns nothing for decorrelated training, which has another form.
struct NclForm {
  bool penalised = false;
  double coefficient = 0.0;
};
std::optional<NclForm> ncl_form(const PenaltySettings& settings, std::size_t members);

// Writes F = (1/M) sum_i outputs[i], summing the members in index order. Every view is N x K.
void ensemble_mean(std::span<const ConstMatrixView> outputs, MatrixView ensemble);

// Writes the per-pattern gradient of every member's penalised loss into gradients[i]: dE_i/dF_i for
// squared error, dE_i/du_i at the logits for cross-entropy (see gradient_point). outputs[i], targets,
// ensemble (from ensemble_mean) and gradients[i] are N x K. Nothing is averaged over the N patterns
// here. A coefficient of 0 gives exactly the independent gradient.
void penalty_output_gradients(const PenaltySettings& settings, std::span<const ConstMatrixView> outputs,
                              ConstMatrixView targets, ConstMatrixView ensemble,
                              std::span<const MatrixView> gradients);

// Writes S_j = sum_{i<j} d(i, j)(F_i - d) for member j = `member` (0-based), summing i in index order.
// `outputs` must contain at least the members before `member`. Sequential training computes it once
// for the fixed earlier members.
void decorrelation_sum(Indicator indicator, std::size_t member, std::span<const ConstMatrixView> outputs,
                       ConstMatrixView targets, MatrixView sum);

// Writes the decorrelated gradient of one member, g = (F_j - d) + (lambda/2) S_j, from its output and
// the sum S_j of decorrelation_sum. A null `sum` (a member without partner) gives the independent
// gradient. Cross-entropy chains the penalty part as penalty_output_gradients does.
void decorrelated_member_gradient(double lambda, LossKind loss, ConstMatrixView output, ConstMatrixView targets,
                                  const ConstMatrixView* sum, MatrixView gradient);

}  // namespace nclab
