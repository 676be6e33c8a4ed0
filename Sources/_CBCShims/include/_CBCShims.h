// _CBCShims: the only code that calls CBC.
//
// CBC is C++ behind a C interface: a C++ exception escaping it would terminate the process.
// So the whole life of a model (create, load, solve, read, delete) happens inside one C++
// function here that catches everything, and Swift only sees plain structs and arrays.
// This header does not include CBC's: callers see only the types below.

#ifndef _CBCSHIMS_H
#define _CBCSHIMS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

// Outcomes and limits: the same codes as _GLPKShims, read by the same Swift mapping.
#define _CBCSHIMS_OPTIMAL 0
#define _CBCSHIMS_FEASIBLE 1
#define _CBCSHIMS_NO_SOLUTION 2
#define _CBCSHIMS_INFEASIBLE 3
#define _CBCSHIMS_UNBOUNDED 4
#define _CBCSHIMS_ERROR 5

#define _CBCSHIMS_LIMIT_NONE 0
#define _CBCSHIMS_LIMIT_TIME 1
#define _CBCSHIMS_LIMIT_ITERATION 2
#define _CBCSHIMS_LIMIT_INTERRUPTED 3
#define _CBCSHIMS_LIMIT_UNDETERMINED 4
#define _CBCSHIMS_LIMIT_NODE 5

/// A whole problem, already validated. Bounds are ±infinity (HUGE_VAL) where absent; the
/// matrix is 0-based (row, column, value) triplets without duplicates.
typedef struct {
  int column_count;
  const double *column_lower;
  const double *column_upper;
  const double *objective;
  const char *is_integer;
  int row_count;
  const double *row_lower;
  const double *row_upper;
  int nonzero_count;
  const int *nonzero_rows;
  const int *nonzero_columns;
  const double *nonzero_values;
  int maximize;
  double objective_constant;
} _CBCShimsProblem;

typedef struct {
  double time_limit_seconds;  ///< <= 0 means no limit.
  double relative_gap;        ///< CBC's ratioGap; 0 asks for proven optimality.
  int relax_integrality;      ///< Solve the LP relaxation with Clp instead.
  int print_output;           ///< Let CBC print its log (log level 1) instead of silence (0).
  const double *initial_solution; ///< NULL, or a checked feasible start (Cbc_setMIPStartI).
} _CBCShimsOptions;

typedef struct {
  int outcome;             ///< _CBCSHIMS_OPTIMAL ... _CBCSHIMS_ERROR.
  int limit;               ///< _CBCSHIMS_LIMIT_*.
  int status;              ///< Cbc_status (-1: not reached; LP: 0 optimal, 1 not).
  int secondary_status;    ///< Cbc_secondaryStatus (-1: not reached).
  int has_solution;        ///< `objective` and the column values are valid.
  double objective;        ///< Objective of the solution, constant included.
  int has_dual_bound;
  double dual_bound;       ///< Cbc_getBestPossibleObjValue, constant included.
  int node_count;          ///< Cbc_getNodeCount.
  const char *detail;      ///< Static text explaining the outcome, or NULL.
} _CBCShimsResult;

/// Builds, solves and frees `problem` on the calling thread; never throws, never aborts on
/// valid input. `column_values` must hold `problem->column_count` doubles; written only when
/// `result->has_solution` is set. A caught C++ exception's text goes to `message`.
void _cbcshims_solve(const _CBCShimsProblem *problem, const _CBCShimsOptions *options,
                     double *column_values, char *message, size_t message_capacity,
                     _CBCShimsResult *result);

/// The linked CBC library's version, e.g. "2.10.8".
const char *_cbcshims_version(void);

#ifdef __cplusplus
}
#endif

#endif
