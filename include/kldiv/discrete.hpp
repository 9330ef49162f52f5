// The discrete layer: information measures of probability vectors and logits, and coding theory.
// Guarantees: each function's accuracy and errors are stated in its own header.
#pragma once

#include "kldiv/discrete/coding.hpp"
#include "kldiv/discrete/half_precision_rows.hpp"
#include "kldiv/discrete/js_divergence.hpp"
#include "kldiv/discrete/logits.hpp"
#include "kldiv/discrete/measures.hpp"
#include "kldiv/discrete/row_gradients.hpp"
#include "kldiv/discrete/row_options.hpp"
#include "kldiv/discrete/topk.hpp"
#include "kldiv/discrete/units.hpp"
#include "kldiv/discrete/vector_input.hpp"
