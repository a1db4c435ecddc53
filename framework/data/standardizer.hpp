#pragma once
// Column statistics fitted on a training part: means for imputation, and the standardiser.

#include <cstddef>
#include <span>
#include <vector>

#include "framework/core/matrix.hpp"
#include "framework/data/dataset.hpp"

namespace nclab {

// Returns the mean of each column over its non-NaN cells, or NaN for a column without such a cell.
std::vector<double> column_means(ConstMatrixView data);

// Replaces every NaN cell of column j with means[j].
void impute_missing(MatrixView data, std::span<const double> means);

// Columns whose cells are all equal (none may be NaN). A single row makes every column constant.
std::vector<std::size_t> constant_columns(ConstMatrixView data);

// Fits x' = (x - mean) / scale per column: mean and population standard deviation (divisor N) of
// `train`, which must have at least one row and no NaN. A constant column gets scale 1.
Standardizer fit_standardizer(ConstMatrixView train);

// Applies x' = (x - mean) / scale in place. The column counts must match.
void standardize(const Standardizer& standardizer, MatrixView data);

}  // namespace nclab
